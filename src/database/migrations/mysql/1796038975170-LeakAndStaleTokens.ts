import { MigrationInterface, QueryRunner } from "typeorm";

export class LeakAndStaleTokens1796038975170 implements MigrationInterface {
    name = 'LeakAndStaleTokens1796038975170'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`audit_events\` ADD \`subjectUserId\` varchar(36) NULL`);
        await queryRunner.query(`ALTER TABLE \`token_policies\` ADD \`revokeUnusedAfterDays\` int NULL`);
        await queryRunner.query(`CREATE INDEX \`IDX_audit_events_subject\` ON \`audit_events\` (\`subjectUserId\`, \`id\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_audit_events_subject\` ON \`audit_events\``);
        await queryRunner.query(`ALTER TABLE \`token_policies\` DROP COLUMN \`revokeUnusedAfterDays\``);
        await queryRunner.query(`ALTER TABLE \`audit_events\` DROP COLUMN \`subjectUserId\``);
    }

}
