import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenAddressAllowlists1796038824636 implements MigrationInterface {
    name = 'TokenAddressAllowlists1796038824636'

    // Added columns are nullable or have a default, so SQLite adds them in place (no table rebuild).
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "access_tokens" ADD COLUMN "allowedAddressList" varchar(1500)`);
        await queryRunner.query(`ALTER TABLE "token_policies" ADD COLUMN "requireAllowedAddresses" boolean NOT NULL DEFAULT (0)`);
        await queryRunner.query(`ALTER TABLE "token_policies" ADD COLUMN "allowedAddressRangeList" varchar(1500)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "token_policies" DROP COLUMN "allowedAddressRangeList"`);
        await queryRunner.query(`ALTER TABLE "token_policies" DROP COLUMN "requireAllowedAddresses"`);
        await queryRunner.query(`ALTER TABLE "access_tokens" DROP COLUMN "allowedAddressList"`);
    }

}
