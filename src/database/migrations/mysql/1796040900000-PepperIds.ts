import { MigrationInterface, QueryRunner } from "typeorm";

export class PepperIds1796040900000 implements MigrationInterface {
    name = 'PepperIds1796040900000'

    // Existing rows were digested with the single pepper of TESSERA_TOKEN_PEPPER, whose id is "default".
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`access_tokens\` ADD \`pepperId\` varchar(16) NOT NULL DEFAULT 'default'`);
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`pepperId\` varchar(16) NOT NULL DEFAULT 'default'`);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ADD \`pepperId\` varchar(16) NOT NULL DEFAULT 'default'`);
        await queryRunner.query(`ALTER TABLE \`sessions\` ADD \`pepperId\` varchar(16) NOT NULL DEFAULT 'default'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`sessions\` DROP COLUMN \`pepperId\``);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP COLUMN \`pepperId\``);
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`pepperId\``);
        await queryRunner.query(`ALTER TABLE \`access_tokens\` DROP COLUMN \`pepperId\``);
    }

}
