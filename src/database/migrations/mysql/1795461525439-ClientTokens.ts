import { MigrationInterface, QueryRunner } from "typeorm";

export class ClientTokens1795461525439 implements MigrationInterface {
    name = 'ClientTokens1795461525439'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`oauth_clients\` (\`id\` varchar(36) NOT NULL, \`clientId\` varchar(64) NOT NULL, \`name\` varchar(100) NOT NULL, \`description\` varchar(500) NULL, \`accessTokenLifetimeSeconds\` int NOT NULL DEFAULT '3600', \`refreshTokenLifetimeDays\` int NOT NULL DEFAULT '30', \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`UQ_oauth_clients_client_id\` (\`clientId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`refresh_tokens\` (\`id\` varchar(36) NOT NULL, \`tokenHash\` varchar(64) NOT NULL, \`hint\` varchar(32) NOT NULL, \`accessTokenId\` varchar(36) NOT NULL, \`oauthClientId\` varchar(36) NOT NULL, \`ownerId\` varchar(36) NOT NULL, \`familyId\` varchar(36) NOT NULL, \`expiresAt\` datetime(6) NULL, \`revokedAt\` datetime(6) NULL, \`revocationReason\` varchar(255) NULL, \`replacedByRefreshTokenId\` varchar(36) NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`UQ_refresh_tokens_token_hash\` (\`tokenHash\`), INDEX \`IDX_refresh_tokens_access_token\` (\`accessTokenId\`), INDEX \`IDX_refresh_tokens_oauth_client\` (\`oauthClientId\`), INDEX \`IDX_refresh_tokens_family\` (\`familyId\`), INDEX \`IDX_refresh_tokens_owner\` (\`ownerId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ADD CONSTRAINT \`FK_55e00528f3e7b3c6ae2a042bd86\` FOREIGN KEY (\`accessTokenId\`) REFERENCES \`access_tokens\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ADD CONSTRAINT \`FK_38d05f74e58ddb064a8d65204b6\` FOREIGN KEY (\`oauthClientId\`) REFERENCES \`oauth_clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` ADD CONSTRAINT \`FK_b82552ec9f5ba1cb2f74f23f1a8\` FOREIGN KEY (\`ownerId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP FOREIGN KEY \`FK_b82552ec9f5ba1cb2f74f23f1a8\``);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP FOREIGN KEY \`FK_38d05f74e58ddb064a8d65204b6\``);
        await queryRunner.query(`ALTER TABLE \`refresh_tokens\` DROP FOREIGN KEY \`FK_55e00528f3e7b3c6ae2a042bd86\``);
        await queryRunner.query(`DROP INDEX \`IDX_refresh_tokens_owner\` ON \`refresh_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_refresh_tokens_family\` ON \`refresh_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_refresh_tokens_oauth_client\` ON \`refresh_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_refresh_tokens_access_token\` ON \`refresh_tokens\``);
        await queryRunner.query(`DROP INDEX \`UQ_refresh_tokens_token_hash\` ON \`refresh_tokens\``);
        await queryRunner.query(`DROP TABLE \`refresh_tokens\``);
        await queryRunner.query(`DROP INDEX \`UQ_oauth_clients_client_id\` ON \`oauth_clients\``);
        await queryRunner.query(`DROP TABLE \`oauth_clients\``);
    }

}
