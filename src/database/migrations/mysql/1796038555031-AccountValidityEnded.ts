import { MigrationInterface, QueryRunner } from "typeorm";

export class AccountValidityEnded1796038555031 implements MigrationInterface {
    name = 'AccountValidityEnded1796038555031'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`users\` ADD \`validityEndedAt\` datetime(6) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`users\` DROP COLUMN \`validityEndedAt\``);
    }

}
