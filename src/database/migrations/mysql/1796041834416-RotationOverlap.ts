import { MigrationInterface, QueryRunner } from "typeorm";

export class RotationOverlap1796041834416 implements MigrationInterface {
    name = 'RotationOverlap1796041834416'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`token_policies\` ADD \`maxRotationOverlapSeconds\` int NOT NULL DEFAULT '0'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`token_policies\` DROP COLUMN \`maxRotationOverlapSeconds\``);
    }

}
