import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenUsage1795457979783 implements MigrationInterface {
    name = 'TokenUsage1795457979783'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "token_usages" ("id" varchar(36) PRIMARY KEY NOT NULL, "tokenId" varchar(36) NOT NULL, "usedAt" datetime(6) NOT NULL, "operation" varchar(191) NOT NULL, "clientAddress" varchar(64), "outcome" varchar(16) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "IDX_token_usages_used_at" ON "token_usages" ("usedAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_token_usages_token" ON "token_usages" ("tokenId", "id") `);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_organization"`);
        await queryRunner.query(`DROP INDEX "UQ_access_tokens_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner_id"`);
        await queryRunner.query(`CREATE TABLE "temporary_access_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "level" varchar(16) NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "scopeList" varchar(255) NOT NULL, "role" varchar(16), "resourceType" varchar(16), "resourceId" varchar(36), "organizationId" varchar(36), "ownerId" varchar(36) NOT NULL, "createdById" varchar(36), "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6), "revokedAt" datetime(6), "revokedById" varchar(36), "revocationReason" varchar(255), "lastUsedAt" datetime(6), "previousTokenId" varchar(36), "replacedByTokenId" varchar(36), "lastUsedAddresses" varchar(255), CONSTRAINT "FK_6541f0ee5999dcc24b9f2946c78" FOREIGN KEY ("ownerId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_access_tokens"("id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId") SELECT "id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId" FROM "access_tokens"`);
        await queryRunner.query(`DROP TABLE "access_tokens"`);
        await queryRunner.query(`ALTER TABLE "temporary_access_tokens" RENAME TO "access_tokens"`);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner" ON "access_tokens" ("ownerId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_resource" ON "access_tokens" ("resourceType", "resourceId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_organization" ON "access_tokens" ("organizationId", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_tokens_token_hash" ON "access_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner_id" ON "access_tokens" ("ownerId") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner_id"`);
        await queryRunner.query(`DROP INDEX "UQ_access_tokens_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner"`);
        await queryRunner.query(`ALTER TABLE "access_tokens" RENAME TO "temporary_access_tokens"`);
        await queryRunner.query(`CREATE TABLE "access_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "level" varchar(16) NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "scopeList" varchar(255) NOT NULL, "role" varchar(16), "resourceType" varchar(16), "resourceId" varchar(36), "organizationId" varchar(36), "ownerId" varchar(36) NOT NULL, "createdById" varchar(36), "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6), "revokedAt" datetime(6), "revokedById" varchar(36), "revocationReason" varchar(255), "lastUsedAt" datetime(6), "previousTokenId" varchar(36), "replacedByTokenId" varchar(36), CONSTRAINT "FK_6541f0ee5999dcc24b9f2946c78" FOREIGN KEY ("ownerId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "access_tokens"("id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId") SELECT "id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId" FROM "temporary_access_tokens"`);
        await queryRunner.query(`DROP TABLE "temporary_access_tokens"`);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner_id" ON "access_tokens" ("ownerId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_tokens_token_hash" ON "access_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_organization" ON "access_tokens" ("organizationId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_resource" ON "access_tokens" ("resourceType", "resourceId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner" ON "access_tokens" ("ownerId", "id") `);
        await queryRunner.query(`DROP INDEX "IDX_token_usages_token"`);
        await queryRunner.query(`DROP INDEX "IDX_token_usages_used_at"`);
        await queryRunner.query(`DROP TABLE "token_usages"`);
    }

}
