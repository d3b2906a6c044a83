import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenUsageCount1795459974489 implements MigrationInterface {
    name = 'TokenUsageCount1795459974489'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_token_usages_token"`);
        await queryRunner.query(`DROP INDEX "IDX_token_usages_used_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_token_usages" ("id" varchar(36) PRIMARY KEY NOT NULL, "tokenId" varchar(36) NOT NULL, "usedAt" datetime(6) NOT NULL, "operation" varchar(191) NOT NULL, "clientAddress" varchar(64), "outcome" varchar(16) NOT NULL, "count" integer NOT NULL DEFAULT (1))`);
        await queryRunner.query(`INSERT INTO "temporary_token_usages"("id", "tokenId", "usedAt", "operation", "clientAddress", "outcome") SELECT "id", "tokenId", "usedAt", "operation", "clientAddress", "outcome" FROM "token_usages"`);
        await queryRunner.query(`DROP TABLE "token_usages"`);
        await queryRunner.query(`ALTER TABLE "temporary_token_usages" RENAME TO "token_usages"`);
        await queryRunner.query(`CREATE INDEX "IDX_token_usages_token" ON "token_usages" ("tokenId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_token_usages_used_at" ON "token_usages" ("usedAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_token_usages_used_at"`);
        await queryRunner.query(`DROP INDEX "IDX_token_usages_token"`);
        await queryRunner.query(`ALTER TABLE "token_usages" RENAME TO "temporary_token_usages"`);
        await queryRunner.query(`CREATE TABLE "token_usages" ("id" varchar(36) PRIMARY KEY NOT NULL, "tokenId" varchar(36) NOT NULL, "usedAt" datetime(6) NOT NULL, "operation" varchar(191) NOT NULL, "clientAddress" varchar(64), "outcome" varchar(16) NOT NULL)`);
        await queryRunner.query(`INSERT INTO "token_usages"("id", "tokenId", "usedAt", "operation", "clientAddress", "outcome") SELECT "id", "tokenId", "usedAt", "operation", "clientAddress", "outcome" FROM "temporary_token_usages"`);
        await queryRunner.query(`DROP TABLE "temporary_token_usages"`);
        await queryRunner.query(`CREATE INDEX "IDX_token_usages_used_at" ON "token_usages" ("usedAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_token_usages_token" ON "token_usages" ("tokenId", "id") `);
    }

}
