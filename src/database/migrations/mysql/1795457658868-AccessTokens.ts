import { MigrationInterface, QueryRunner } from "typeorm";

export class AccessTokens1795457658868 implements MigrationInterface {
    name = 'AccessTokens1795457658868'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`access_tokens\` (\`id\` varchar(36) NOT NULL, \`level\` varchar(16) NOT NULL, \`kind\` varchar(16) NOT NULL, \`name\` varchar(100) NOT NULL, \`description\` varchar(500) NULL, \`scopeList\` varchar(255) NOT NULL, \`role\` varchar(16) NULL, \`resourceType\` varchar(16) NULL, \`resourceId\` varchar(36) NULL, \`organizationId\` varchar(36) NULL, \`ownerId\` varchar(36) NOT NULL, \`createdById\` varchar(36) NULL, \`tokenHash\` varchar(64) NOT NULL, \`hint\` varchar(32) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`expiresAt\` datetime(6) NULL, \`revokedAt\` datetime(6) NULL, \`revokedById\` varchar(36) NULL, \`revocationReason\` varchar(255) NULL, \`lastUsedAt\` datetime(6) NULL, \`previousTokenId\` varchar(36) NULL, \`replacedByTokenId\` varchar(36) NULL, INDEX \`IDX_access_tokens_owner_id\` (\`ownerId\`), UNIQUE INDEX \`UQ_access_tokens_token_hash\` (\`tokenHash\`), INDEX \`IDX_access_tokens_organization\` (\`organizationId\`, \`id\`), INDEX \`IDX_access_tokens_resource\` (\`resourceType\`, \`resourceId\`, \`id\`), INDEX \`IDX_access_tokens_owner\` (\`ownerId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`token_policies\` (\`organizationId\` varchar(36) NOT NULL, \`maxLifetimeDays\` int NULL, \`requireExpiry\` tinyint NOT NULL DEFAULT 0, \`allowedScopeList\` varchar(255) NULL, \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (\`organizationId\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`access_tokens\` ADD CONSTRAINT \`FK_6541f0ee5999dcc24b9f2946c78\` FOREIGN KEY (\`ownerId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`access_tokens\` DROP FOREIGN KEY \`FK_6541f0ee5999dcc24b9f2946c78\``);
        await queryRunner.query(`DROP TABLE \`token_policies\``);
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_owner\` ON \`access_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_resource\` ON \`access_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_organization\` ON \`access_tokens\``);
        await queryRunner.query(`DROP INDEX \`UQ_access_tokens_token_hash\` ON \`access_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_owner_id\` ON \`access_tokens\``);
        await queryRunner.query(`DROP TABLE \`access_tokens\``);
    }

}
