import { MigrationInterface, QueryRunner } from "typeorm";

export class PepperIds1796040900001 implements MigrationInterface {
    name = 'PepperIds1796040900001'

    // Added columns have a default, so SQLite adds them in place (no table rebuild); existing rows were digested with the single pepper, "default".
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "access_tokens" ADD COLUMN "pepperId" varchar(16) NOT NULL DEFAULT ('default')`);
        await queryRunner.query(`ALTER TABLE "oauth_clients" ADD COLUMN "pepperId" varchar(16) NOT NULL DEFAULT ('default')`);
        await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD COLUMN "pepperId" varchar(16) NOT NULL DEFAULT ('default')`);
        await queryRunner.query(`ALTER TABLE "sessions" ADD COLUMN "pepperId" varchar(16) NOT NULL DEFAULT ('default')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "pepperId"`);
        await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "pepperId"`);
        await queryRunner.query(`ALTER TABLE "oauth_clients" DROP COLUMN "pepperId"`);
        await queryRunner.query(`ALTER TABLE "access_tokens" DROP COLUMN "pepperId"`);
    }

}
