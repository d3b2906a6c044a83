import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenAddressAllowlists1796038818984 implements MigrationInterface {
    name = 'TokenAddressAllowlists1796038818984'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`access_tokens\` ADD \`allowedAddressList\` varchar(1500) NULL`);
        await queryRunner.query(`ALTER TABLE \`token_policies\` ADD \`requireAllowedAddresses\` tinyint NOT NULL DEFAULT 0`);
        await queryRunner.query(`ALTER TABLE \`token_policies\` ADD \`allowedAddressRangeList\` varchar(1500) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`token_policies\` DROP COLUMN \`allowedAddressRangeList\``);
        await queryRunner.query(`ALTER TABLE \`token_policies\` DROP COLUMN \`requireAllowedAddresses\``);
        await queryRunner.query(`ALTER TABLE \`access_tokens\` DROP COLUMN \`allowedAddressList\``);
    }

}
