import { MigrationInterface, QueryRunner } from "typeorm";

export class OAuthClientSecrets1796036331508 implements MigrationInterface {
    name = 'OAuthClientSecrets1796036331508'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_oauth_clients_client_id"`);
        await queryRunner.query(`CREATE TABLE "temporary_oauth_clients" ("id" varchar(36) PRIMARY KEY NOT NULL, "clientId" varchar(64) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "accessTokenLifetimeSeconds" integer NOT NULL DEFAULT (3600), "refreshTokenLifetimeDays" integer NOT NULL DEFAULT (30), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "type" varchar(16) NOT NULL DEFAULT ('PUBLIC'), "secretHash" varchar(64), "secretHint" varchar(32))`);
        await queryRunner.query(`INSERT INTO "temporary_oauth_clients"("id", "clientId", "name", "description", "accessTokenLifetimeSeconds", "refreshTokenLifetimeDays", "createdAt", "updatedAt") SELECT "id", "clientId", "name", "description", "accessTokenLifetimeSeconds", "refreshTokenLifetimeDays", "createdAt", "updatedAt" FROM "oauth_clients"`);
        await queryRunner.query(`DROP TABLE "oauth_clients"`);
        await queryRunner.query(`ALTER TABLE "temporary_oauth_clients" RENAME TO "oauth_clients"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_oauth_clients_client_id" ON "oauth_clients" ("clientId") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_oauth_clients_client_id"`);
        await queryRunner.query(`ALTER TABLE "oauth_clients" RENAME TO "temporary_oauth_clients"`);
        await queryRunner.query(`CREATE TABLE "oauth_clients" ("id" varchar(36) PRIMARY KEY NOT NULL, "clientId" varchar(64) NOT NULL, "name" varchar(100) NOT NULL, "description" varchar(500), "accessTokenLifetimeSeconds" integer NOT NULL DEFAULT (3600), "refreshTokenLifetimeDays" integer NOT NULL DEFAULT (30), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "oauth_clients"("id", "clientId", "name", "description", "accessTokenLifetimeSeconds", "refreshTokenLifetimeDays", "createdAt", "updatedAt") SELECT "id", "clientId", "name", "description", "accessTokenLifetimeSeconds", "refreshTokenLifetimeDays", "createdAt", "updatedAt" FROM "temporary_oauth_clients"`);
        await queryRunner.query(`DROP TABLE "temporary_oauth_clients"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_oauth_clients_client_id" ON "oauth_clients" ("clientId") `);
    }

}
