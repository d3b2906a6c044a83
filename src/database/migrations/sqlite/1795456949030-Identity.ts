import { MigrationInterface, QueryRunner } from "typeorm";

export class Identity1795456949030 implements MigrationInterface {
    name = 'Identity1795456949030'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_events" ("id" varchar(36) PRIMARY KEY NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "actorId" varchar(36), "actorTokenId" varchar(36), "action" varchar(64) NOT NULL, "targetType" varchar(32), "targetId" varchar(36), "organizationId" varchar(36), "outcome" varchar(16) NOT NULL, "reason" varchar(32), "clientAddress" varchar(64), "requestId" varchar(64), "detail" text)`);
        await queryRunner.query(`CREATE INDEX "IDX_audit_events_target" ON "audit_events" ("targetType", "targetId") `);
        await queryRunner.query(`CREATE INDEX "IDX_audit_events_actor" ON "audit_events" ("actorId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_audit_events_organization" ON "audit_events" ("organizationId", "id") `);
        await queryRunner.query(`CREATE TABLE "organizations" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE TABLE "resource_groups" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_groups_organization" ON "resource_groups" ("organizationId") `);
        await queryRunner.query(`CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "email" varchar(254), "displayName" varchar(100) NOT NULL, "passwordHash" varchar(255), "status" varchar(16) NOT NULL DEFAULT ('ACTIVE'), "validUntil" datetime(6), "isPlatformAdmin" boolean NOT NULL DEFAULT (0), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email") `);
        await queryRunner.query(`CREATE TABLE "memberships" ("id" varchar(36) PRIMARY KEY NOT NULL, "userId" varchar(36) NOT NULL, "resourceType" varchar(16) NOT NULL, "resourceId" varchar(36) NOT NULL, "organizationId" varchar(36) NOT NULL, "role" varchar(16) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_memberships_organization" ON "memberships" ("organizationId") `);
        await queryRunner.query(`CREATE INDEX "IDX_memberships_resource" ON "memberships" ("resourceType", "resourceId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_memberships_user_resource" ON "memberships" ("userId", "resourceType", "resourceId") `);
        await queryRunner.query(`CREATE TABLE "projects" ("id" varchar(36) PRIMARY KEY NOT NULL, "groupId" varchar(36) NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_projects_group" ON "projects" ("groupId") `);
        await queryRunner.query(`CREATE INDEX "IDX_projects_organization" ON "projects" ("organizationId") `);
        await queryRunner.query(`CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "userId" varchar(36) NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6) NOT NULL, "endedAt" datetime(6), "clientAddress" varchar(64))`);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user" ON "sessions" ("userId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_token_hash" ON "sessions" ("tokenHash") `);
        await queryRunner.query(`DROP INDEX "IDX_groups_organization"`);
        await queryRunner.query(`CREATE TABLE "temporary_resource_groups" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_42b25bf90d4780f7b591ac4f3fc" FOREIGN KEY ("organizationId") REFERENCES "organizations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_resource_groups"("id", "organizationId", "name", "createdAt", "updatedAt") SELECT "id", "organizationId", "name", "createdAt", "updatedAt" FROM "resource_groups"`);
        await queryRunner.query(`DROP TABLE "resource_groups"`);
        await queryRunner.query(`ALTER TABLE "temporary_resource_groups" RENAME TO "resource_groups"`);
        await queryRunner.query(`CREATE INDEX "IDX_groups_organization" ON "resource_groups" ("organizationId") `);
        await queryRunner.query(`DROP INDEX "IDX_memberships_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_memberships_resource"`);
        await queryRunner.query(`DROP INDEX "UQ_memberships_user_resource"`);
        await queryRunner.query(`CREATE TABLE "temporary_memberships" ("id" varchar(36) PRIMARY KEY NOT NULL, "userId" varchar(36) NOT NULL, "resourceType" varchar(16) NOT NULL, "resourceId" varchar(36) NOT NULL, "organizationId" varchar(36) NOT NULL, "role" varchar(16) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_187d573e43b2c2aa3960df20b78" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_memberships"("id", "userId", "resourceType", "resourceId", "organizationId", "role", "createdAt", "updatedAt") SELECT "id", "userId", "resourceType", "resourceId", "organizationId", "role", "createdAt", "updatedAt" FROM "memberships"`);
        await queryRunner.query(`DROP TABLE "memberships"`);
        await queryRunner.query(`ALTER TABLE "temporary_memberships" RENAME TO "memberships"`);
        await queryRunner.query(`CREATE INDEX "IDX_memberships_organization" ON "memberships" ("organizationId") `);
        await queryRunner.query(`CREATE INDEX "IDX_memberships_resource" ON "memberships" ("resourceType", "resourceId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_memberships_user_resource" ON "memberships" ("userId", "resourceType", "resourceId") `);
        await queryRunner.query(`DROP INDEX "IDX_projects_group"`);
        await queryRunner.query(`DROP INDEX "IDX_projects_organization"`);
        await queryRunner.query(`CREATE TABLE "temporary_projects" ("id" varchar(36) PRIMARY KEY NOT NULL, "groupId" varchar(36) NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_e849c0fab3e6ddf3cb693fb0bf8" FOREIGN KEY ("groupId") REFERENCES "resource_groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_projects"("id", "groupId", "organizationId", "name", "createdAt", "updatedAt") SELECT "id", "groupId", "organizationId", "name", "createdAt", "updatedAt" FROM "projects"`);
        await queryRunner.query(`DROP TABLE "projects"`);
        await queryRunner.query(`ALTER TABLE "temporary_projects" RENAME TO "projects"`);
        await queryRunner.query(`CREATE INDEX "IDX_projects_group" ON "projects" ("groupId") `);
        await queryRunner.query(`CREATE INDEX "IDX_projects_organization" ON "projects" ("organizationId") `);
        await queryRunner.query(`DROP INDEX "IDX_sessions_user"`);
        await queryRunner.query(`DROP INDEX "UQ_sessions_token_hash"`);
        await queryRunner.query(`CREATE TABLE "temporary_sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "userId" varchar(36) NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6) NOT NULL, "endedAt" datetime(6), "clientAddress" varchar(64), CONSTRAINT "FK_57de40bc620f456c7311aa3a1e6" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_sessions"("id", "userId", "tokenHash", "createdAt", "expiresAt", "endedAt", "clientAddress") SELECT "id", "userId", "tokenHash", "createdAt", "expiresAt", "endedAt", "clientAddress" FROM "sessions"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
        await queryRunner.query(`ALTER TABLE "temporary_sessions" RENAME TO "sessions"`);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user" ON "sessions" ("userId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_token_hash" ON "sessions" ("tokenHash") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "UQ_sessions_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_sessions_user"`);
        await queryRunner.query(`ALTER TABLE "sessions" RENAME TO "temporary_sessions"`);
        await queryRunner.query(`CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "userId" varchar(36) NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "expiresAt" datetime(6) NOT NULL, "endedAt" datetime(6), "clientAddress" varchar(64))`);
        await queryRunner.query(`INSERT INTO "sessions"("id", "userId", "tokenHash", "createdAt", "expiresAt", "endedAt", "clientAddress") SELECT "id", "userId", "tokenHash", "createdAt", "expiresAt", "endedAt", "clientAddress" FROM "temporary_sessions"`);
        await queryRunner.query(`DROP TABLE "temporary_sessions"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_token_hash" ON "sessions" ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_sessions_user" ON "sessions" ("userId") `);
        await queryRunner.query(`DROP INDEX "IDX_projects_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_projects_group"`);
        await queryRunner.query(`ALTER TABLE "projects" RENAME TO "temporary_projects"`);
        await queryRunner.query(`CREATE TABLE "projects" ("id" varchar(36) PRIMARY KEY NOT NULL, "groupId" varchar(36) NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "projects"("id", "groupId", "organizationId", "name", "createdAt", "updatedAt") SELECT "id", "groupId", "organizationId", "name", "createdAt", "updatedAt" FROM "temporary_projects"`);
        await queryRunner.query(`DROP TABLE "temporary_projects"`);
        await queryRunner.query(`CREATE INDEX "IDX_projects_organization" ON "projects" ("organizationId") `);
        await queryRunner.query(`CREATE INDEX "IDX_projects_group" ON "projects" ("groupId") `);
        await queryRunner.query(`DROP INDEX "UQ_memberships_user_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_memberships_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_memberships_organization"`);
        await queryRunner.query(`ALTER TABLE "memberships" RENAME TO "temporary_memberships"`);
        await queryRunner.query(`CREATE TABLE "memberships" ("id" varchar(36) PRIMARY KEY NOT NULL, "userId" varchar(36) NOT NULL, "resourceType" varchar(16) NOT NULL, "resourceId" varchar(36) NOT NULL, "organizationId" varchar(36) NOT NULL, "role" varchar(16) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "memberships"("id", "userId", "resourceType", "resourceId", "organizationId", "role", "createdAt", "updatedAt") SELECT "id", "userId", "resourceType", "resourceId", "organizationId", "role", "createdAt", "updatedAt" FROM "temporary_memberships"`);
        await queryRunner.query(`DROP TABLE "temporary_memberships"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_memberships_user_resource" ON "memberships" ("userId", "resourceType", "resourceId") `);
        await queryRunner.query(`CREATE INDEX "IDX_memberships_resource" ON "memberships" ("resourceType", "resourceId") `);
        await queryRunner.query(`CREATE INDEX "IDX_memberships_organization" ON "memberships" ("organizationId") `);
        await queryRunner.query(`DROP INDEX "IDX_groups_organization"`);
        await queryRunner.query(`ALTER TABLE "resource_groups" RENAME TO "temporary_resource_groups"`);
        await queryRunner.query(`CREATE TABLE "resource_groups" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "resource_groups"("id", "organizationId", "name", "createdAt", "updatedAt") SELECT "id", "organizationId", "name", "createdAt", "updatedAt" FROM "temporary_resource_groups"`);
        await queryRunner.query(`DROP TABLE "temporary_resource_groups"`);
        await queryRunner.query(`CREATE INDEX "IDX_groups_organization" ON "resource_groups" ("organizationId") `);
        await queryRunner.query(`DROP INDEX "UQ_sessions_token_hash"`);
        await queryRunner.query(`DROP INDEX "IDX_sessions_user"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
        await queryRunner.query(`DROP INDEX "IDX_projects_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_projects_group"`);
        await queryRunner.query(`DROP TABLE "projects"`);
        await queryRunner.query(`DROP INDEX "UQ_memberships_user_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_memberships_resource"`);
        await queryRunner.query(`DROP INDEX "IDX_memberships_organization"`);
        await queryRunner.query(`DROP TABLE "memberships"`);
        await queryRunner.query(`DROP INDEX "UQ_users_email"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`DROP INDEX "IDX_groups_organization"`);
        await queryRunner.query(`DROP TABLE "resource_groups"`);
        await queryRunner.query(`DROP TABLE "organizations"`);
        await queryRunner.query(`DROP INDEX "IDX_audit_events_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_audit_events_actor"`);
        await queryRunner.query(`DROP INDEX "IDX_audit_events_target"`);
        await queryRunner.query(`DROP TABLE "audit_events"`);
    }

}
