import { MigrationInterface, QueryRunner } from "typeorm";

export class OAuthClientSecrets1796036322829 implements MigrationInterface {
    name = 'OAuthClientSecrets1796036322829'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`type\` varchar(16) NOT NULL DEFAULT 'PUBLIC'`);
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`secretHash\` varchar(64) NULL`);
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` ADD \`secretHint\` varchar(32) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`secretHint\``);
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`secretHash\``);
        await queryRunner.query(`ALTER TABLE \`oauth_clients\` DROP COLUMN \`type\``);
    }

}
