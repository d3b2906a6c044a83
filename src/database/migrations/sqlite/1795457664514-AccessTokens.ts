import { MigrationInterface, QueryRunner } from "typeorm";

export class AccessTokens1795457664514 implements MigrationInterface {
    name = 'AccessTokens1795457664514'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "access_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "level" varchar(16) NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "scopeList" varchar(255) NOT NULL, "role" varchar(16), "resourceType" varchar(16), "resourceId" varchar(36), "organizationId" varchar(36), "ownerId" varchar(36) NOT NULL, "createdById" varchar(36), "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6), "revokedAt" datetime(6), "revokedById" varchar(36), "revocationReason" varchar(255), "lastUsedAt" datetime(6), "previousTokenId" varchar(36), "replacedByTokenId" varchar(36))`);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner_id" ON "access_tokens" ("ownerId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_tokens_token_hash" ON "access_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_organization" ON "access_tokens" ("organizationId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_resource" ON "access_tokens" ("resourceType", "resourceId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner" ON "access_tokens" ("ownerId", "id") `);
        await queryRunner.query(`CREATE TABLE "token_policies" ("organizationId" varchar(36) PRIMARY KEY NOT NULL, "maxLifetimeDays" integer, "requireExpiry" boolean NOT NULL DEFAULT (0), "allowedScopeList" varchar(255), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner_id"`);
        await queryRunner.query(`DROP INDEX "UQ_access_tokens_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner"`);
        await queryRunner.query(`CREATE TABLE "temporary_access_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "level" varchar(16) NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "scopeList" varchar(255) NOT NULL, "role" varchar(16), "resourceType" varchar(16), "resourceId" varchar(36), "organizationId" varchar(36), "ownerId" varchar(36) NOT NULL, "createdById" varchar(36), "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6), "revokedAt" datetime(6), "revokedById" varchar(36), "revocationReason" varchar(255), "lastUsedAt" datetime(6), "previousTokenId" varchar(36), "replacedByTokenId" varchar(36), CONSTRAINT "FK_6541f0ee5999dcc24b9f2946c78" FOREIGN KEY ("ownerId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_access_tokens"("id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId") SELECT "id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId" FROM "access_tokens"`);
        await queryRunner.query(`DROP TABLE "access_tokens"`);
        await queryRunner.query(`ALTER TABLE "temporary_access_tokens" RENAME TO "access_tokens"`);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner_id" ON "access_tokens" ("ownerId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_tokens_token_hash" ON "access_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_organization" ON "access_tokens" ("organizationId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_resource" ON "access_tokens" ("resourceType", "resourceId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner" ON "access_tokens" ("ownerId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_organization"`);
        await queryRunner.query(`DROP INDEX "UQ_access_tokens_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner_id"`);
        await queryRunner.query(`ALTER TABLE "access_tokens" RENAME TO "temporary_access_tokens"`);
        await queryRunner.query(`CREATE TABLE "access_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "level" varchar(16) NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "scopeList" varchar(255) NOT NULL, "role" varchar(16), "resourceType" varchar(16), "resourceId" varchar(36), "organizationId" varchar(36), "ownerId" varchar(36) NOT NULL, "createdById" varchar(36), "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6), "revokedAt" datetime(6), "revokedById" varchar(36), "revocationReason" varchar(255), "lastUsedAt" datetime(6), "previousTokenId" varchar(36), "replacedByTokenId" varchar(36))`);
        await queryRunner.query(`INSERT INTO "access_tokens"("id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId") SELECT "id", "level", "kind", "name", "description", "scopeList", "role", "resourceType", "resourceId", "organizationId", "ownerId", "createdById", "tokenHash", "hint", "createdAt", "expiresAt", "revokedAt", "revokedById", "revocationReason", "lastUsedAt", "previousTokenId", "replacedByTokenId" FROM "temporary_access_tokens"`);
        await queryRunner.query(`DROP TABLE "temporary_access_tokens"`);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner" ON "access_tokens" ("ownerId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_resource" ON "access_tokens" ("resourceType", "resourceId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_organization" ON "access_tokens" ("organizationId", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_access_tokens_token_hash" ON "access_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_access_tokens_owner_id" ON "access_tokens" ("ownerId") `);
        await queryRunner.query(`DROP TABLE "token_policies"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_organization"`);
        await queryRunner.query(`DROP INDEX "UQ_access_tokens_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_access_tokens_owner_id"`);
        await queryRunner.query(`DROP TABLE "access_tokens"`);
    }

}
