import { MigrationInterface, QueryRunner } from "typeorm";

export class AccountValidityEnded1796038559420 implements MigrationInterface {
    name = 'AccountValidityEnded1796038559420'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_users_email"`);
        await queryRunner.query(`CREATE TABLE "temporary_users" ("id" varchar(36) PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "email" varchar(254), "displayName" varchar(100) NOT NULL, "passwordHash" varchar(255), "status" varchar(16) NOT NULL DEFAULT ('ACTIVE'), "validUntil" datetime(6), "isPlatformAdmin" boolean NOT NULL DEFAULT (0), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "validityEndedAt" datetime(6))`);
        await queryRunner.query(`INSERT INTO "temporary_users"("id", "kind", "email", "displayName", "passwordHash", "status", "validUntil", "isPlatformAdmin", "createdAt", "updatedAt") SELECT "id", "kind", "email", "displayName", "passwordHash", "status", "validUntil", "isPlatformAdmin", "createdAt", "updatedAt" FROM "users"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`ALTER TABLE "temporary_users" RENAME TO "users"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_users_email"`);
        await queryRunner.query(`ALTER TABLE "users" RENAME TO "temporary_users"`);
        await queryRunner.query(`CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "email" varchar(254), "displayName" varchar(100) NOT NULL, "passwordHash" varchar(255), "status" varchar(16) NOT NULL DEFAULT ('ACTIVE'), "validUntil" datetime(6), "isPlatformAdmin" boolean NOT NULL DEFAULT (0), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "users"("id", "kind", "email", "displayName", "passwordHash", "status", "validUntil", "isPlatformAdmin", "createdAt", "updatedAt") SELECT "id", "kind", "email", "displayName", "passwordHash", "status", "validUntil", "isPlatformAdmin", "createdAt", "updatedAt" FROM "temporary_users"`);
        await queryRunner.query(`DROP TABLE "temporary_users"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email") `);
    }

}
