import { MigrationInterface, QueryRunner } from "typeorm";

export class RefreshReuseGrace1796037264460 implements MigrationInterface {
    name = 'RefreshReuseGrace1796037264460'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_owner"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_family"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_oauth_client"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_access_token"`);
        await queryRunner.query(`DROP INDEX "UQ_refresh_tokens_token_hash"`);
        await queryRunner.query(`CREATE TABLE "temporary_refresh_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "accessTokenId" varchar(36) NOT NULL, "oauthClientId" varchar(36) NOT NULL, "ownerId" varchar(36) NOT NULL, "familyId" varchar(36) NOT NULL, "expiresAt" datetime(6), "revokedAt" datetime(6), "revocationReason" varchar(255), "replacedByRefreshTokenId" varchar(36), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "graceUntil" datetime(6), "graceSealed" varchar(255), CONSTRAINT "FK_b82552ec9f5ba1cb2f74f23f1a8" FOREIGN KEY ("ownerId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_38d05f74e58ddb064a8d65204b6" FOREIGN KEY ("oauthClientId") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_55e00528f3e7b3c6ae2a042bd86" FOREIGN KEY ("accessTokenId") REFERENCES "access_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_refresh_tokens"("id", "tokenHash", "hint", "accessTokenId", "oauthClientId", "ownerId", "familyId", "expiresAt", "revokedAt", "revocationReason", "replacedByRefreshTokenId", "createdAt") SELECT "id", "tokenHash", "hint", "accessTokenId", "oauthClientId", "ownerId", "familyId", "expiresAt", "revokedAt", "revocationReason", "replacedByRefreshTokenId", "createdAt" FROM "refresh_tokens"`);
        await queryRunner.query(`DROP TABLE "refresh_tokens"`);
        await queryRunner.query(`ALTER TABLE "temporary_refresh_tokens" RENAME TO "refresh_tokens"`);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_owner" ON "refresh_tokens" ("ownerId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_family" ON "refresh_tokens" ("familyId") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_oauth_client" ON "refresh_tokens" ("oauthClientId") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_access_token" ON "refresh_tokens" ("accessTokenId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_refresh_tokens_token_hash" ON "refresh_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_grace_until" ON "refresh_tokens" ("graceUntil") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_grace_until"`);
        await queryRunner.query(`DROP INDEX "UQ_refresh_tokens_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_access_token"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_oauth_client"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_family"`);
        await queryRunner.query(`DROP INDEX "IDX_refresh_tokens_owner"`);
        await queryRunner.query(`ALTER TABLE "refresh_tokens" RENAME TO "temporary_refresh_tokens"`);
        await queryRunner.query(`CREATE TABLE "refresh_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "tokenHash" varchar(64) NOT NULL, "hint" varchar(32) NOT NULL, "accessTokenId" varchar(36) NOT NULL, "oauthClientId" varchar(36) NOT NULL, "ownerId" varchar(36) NOT NULL, "familyId" varchar(36) NOT NULL, "expiresAt" datetime(6), "revokedAt" datetime(6), "revocationReason" varchar(255), "replacedByRefreshTokenId" varchar(36), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_b82552ec9f5ba1cb2f74f23f1a8" FOREIGN KEY ("ownerId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_38d05f74e58ddb064a8d65204b6" FOREIGN KEY ("oauthClientId") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_55e00528f3e7b3c6ae2a042bd86" FOREIGN KEY ("accessTokenId") REFERENCES "access_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "refresh_tokens"("id", "tokenHash", "hint", "accessTokenId", "oauthClientId", "ownerId", "familyId", "expiresAt", "revokedAt", "revocationReason", "replacedByRefreshTokenId", "createdAt") SELECT "id", "tokenHash", "hint", "accessTokenId", "oauthClientId", "ownerId", "familyId", "expiresAt", "revokedAt", "revocationReason", "replacedByRefreshTokenId", "createdAt" FROM "temporary_refresh_tokens"`);
        await queryRunner.query(`DROP TABLE "temporary_refresh_tokens"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_refresh_tokens_token_hash" ON "refresh_tokens" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_access_token" ON "refresh_tokens" ("accessTokenId") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_oauth_client" ON "refresh_tokens" ("oauthClientId") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_family" ON "refresh_tokens" ("familyId") `);
        await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_owner" ON "refresh_tokens" ("ownerId", "id") `);
    }

}
