import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenUsage1795457975332 implements MigrationInterface {
    name = 'TokenUsage1795457975332'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`token_usages\` (\`id\` varchar(36) NOT NULL, \`tokenId\` varchar(36) NOT NULL, \`usedAt\` datetime(6) NOT NULL, \`operation\` varchar(191) NOT NULL, \`clientAddress\` varchar(64) NULL, \`outcome\` varchar(16) NOT NULL, INDEX \`IDX_token_usages_used_at\` (\`usedAt\`), INDEX \`IDX_token_usages_token\` (\`tokenId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`access_tokens\` ADD \`lastUsedAddresses\` varchar(255) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`access_tokens\` DROP COLUMN \`lastUsedAddresses\``);
        await queryRunner.query(`DROP INDEX \`IDX_token_usages_token\` ON \`token_usages\``);
        await queryRunner.query(`DROP INDEX \`IDX_token_usages_used_at\` ON \`token_usages\``);
        await queryRunner.query(`DROP TABLE \`token_usages\``);
    }

}
