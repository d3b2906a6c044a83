import { MigrationInterface, QueryRunner } from "typeorm";

export class WebhookOutbox1796039372864 implements MigrationInterface {
    name = 'WebhookOutbox1796039372864'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" varchar(36) PRIMARY KEY NOT NULL, "endpointId" varchar(36) NOT NULL, "eventType" varchar(64) NOT NULL, "eventKey" varchar(191) NOT NULL, "payload" text NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "attempts" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime(6), "lastAttemptAt" datetime(6), "lastStatusCode" integer, "lastError" varchar(255), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpointId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_webhook_deliveries_due" ON "webhook_deliveries" ("status", "nextAttemptAt") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_webhook_deliveries_event" ON "webhook_deliveries" ("endpointId", "eventKey") `);
        await queryRunner.query(`CREATE TABLE "webhook_endpoints" ("id" varchar(36) PRIMARY KEY NOT NULL, "organizationId" varchar(36), "userId" varchar(36), "url" varchar(2000) NOT NULL, "description" varchar(500), "eventList" varchar(500) NOT NULL, "secretSealed" varchar(255) NOT NULL, "enabled" boolean NOT NULL DEFAULT (1), "createdById" varchar(36), "createdAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "IDX_webhook_endpoints_user" ON "webhook_endpoints" ("userId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_webhook_endpoints_organization" ON "webhook_endpoints" ("organizationId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_webhook_endpoints_organization"`);
        await queryRunner.query(`DROP INDEX "IDX_webhook_endpoints_user"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
        await queryRunner.query(`DROP INDEX "UQ_webhook_deliveries_event"`);
        await queryRunner.query(`DROP INDEX "IDX_webhook_deliveries_due"`);
        await queryRunner.query(`DROP INDEX "IDX_webhook_deliveries_endpoint"`);
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    }

}
