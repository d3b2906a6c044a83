import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenUsageCount1795459970084 implements MigrationInterface {
    name = 'TokenUsageCount1795459970084'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`token_usages\` ADD \`count\` int NOT NULL DEFAULT '1'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`token_usages\` DROP COLUMN \`count\``);
    }

}
