import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenRevocationEvents1796040475297 implements MigrationInterface {
    name = 'TokenRevocationEvents1796040475297'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "token_revocation_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "subjectType" varchar(10) NOT NULL, "subjectId" varchar(36) NOT NULL, "createdAt" datetime(6) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_token_revocation_events_created_at" ON "token_revocation_events" ("createdAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_token_revocation_events_created_at"`);
        await queryRunner.query(`DROP TABLE "token_revocation_events"`);
    }

}
