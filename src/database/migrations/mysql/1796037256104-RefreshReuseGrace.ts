import { MigrationInterface, QueryRunner } from "typeorm";

export class RefreshReuseGrace1796037256104 implements MigrationInterface {
    name = 'RefreshReuseGrace1796037256104'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ADD \`graceUntil\` datetime(6) NULL`);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ADD \`graceSealed\` varchar(255) NULL`);
        await queryRunner.query(`CREATE INDEX \`IDX_refresh_tokens_grace_until\` ON \`refresh_tokens\` (\`graceUntil\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_refresh_tokens_grace_until\` ON \`refresh_tokens\``);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP COLUMN \`graceSealed\``);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP COLUMN \`graceUntil\``);
    }

}
