import { MigrationInterface, QueryRunner } from "typeorm";

export class LeakAndStaleTokens1796038980693 implements MigrationInterface {
    name = 'LeakAndStaleTokens1796038980693'

    // Added columns are nullable, so SQLite adds them in place (no rebuild of the audit trail).
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "audit_events" ADD COLUMN "subjectUserId" varchar(36)`);
        await queryRunner.query(`ALTER TABLE "token_policies" ADD COLUMN "revokeUnusedAfterDays" integer`);
        await queryRunner.query(`CREATE INDEX "IDX_audit_events_subject" ON "audit_events" ("subjectUserId", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_audit_events_subject"`);
        await queryRunner.query(`ALTER TABLE "token_policies" DROP COLUMN "revokeUnusedAfterDays"`);
        await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "subjectUserId"`);
    }

}
