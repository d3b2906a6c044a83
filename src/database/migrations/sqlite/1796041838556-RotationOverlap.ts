import { MigrationInterface, QueryRunner } from "typeorm";

export class RotationOverlap1796041838556 implements MigrationInterface {
    name = 'RotationOverlap1796041838556'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "temporary_token_policies" ("organizationId" varchar(36) PRIMARY KEY NOT NULL, "maxLifetimeDays" integer, "requireExpiry" boolean NOT NULL DEFAULT (0), "allowedScopeList" varchar(255), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "requireAllowedAddresses" boolean NOT NULL DEFAULT (0), "allowedAddressRangeList" varchar(1500), "revokeUnusedAfterDays" integer, "maxRotationOverlapSeconds" integer NOT NULL DEFAULT (0))`);
        await queryRunner.query(`INSERT INTO "temporary_token_policies"("organizationId", "maxLifetimeDays", "requireExpiry", "allowedScopeList", "updatedAt", "requireAllowedAddresses", "allowedAddressRangeList", "revokeUnusedAfterDays") SELECT "organizationId", "maxLifetimeDays", "requireExpiry", "allowedScopeList", "updatedAt", "requireAllowedAddresses", "allowedAddressRangeList", "revokeUnusedAfterDays" FROM "token_policies"`);
        await queryRunner.query(`DROP TABLE "token_policies"`);
        await queryRunner.query(`ALTER TABLE "temporary_token_policies" RENAME TO "token_policies"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "token_policies" RENAME TO "temporary_token_policies"`);
        await queryRunner.query(`CREATE TABLE "token_policies" ("organizationId" varchar(36) PRIMARY KEY NOT NULL, "maxLifetimeDays" integer, "requireExpiry" boolean NOT NULL DEFAULT (0), "allowedScopeList" varchar(255), "updatedAt" datetime(6) NOT NULL DEFAULT (datetime('now')), "requireAllowedAddresses" boolean NOT NULL DEFAULT (0), "allowedAddressRangeList" varchar(1500), "revokeUnusedAfterDays" integer)`);
        await queryRunner.query(`INSERT INTO "token_policies"("organizationId", "maxLifetimeDays", "requireExpiry", "allowedScopeList", "updatedAt", "requireAllowedAddresses", "allowedAddressRangeList", "revokeUnusedAfterDays") SELECT "organizationId", "maxLifetimeDays", "requireExpiry", "allowedScopeList", "updatedAt", "requireAllowedAddresses", "allowedAddressRangeList", "revokeUnusedAfterDays" FROM "temporary_token_policies"`);
        await queryRunner.query(`DROP TABLE "temporary_token_policies"`);
    }

}
