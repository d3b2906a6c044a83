import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenListIndexes1795463106225 implements MigrationInterface {
    name = 'TokenListIndexes1795463106225'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_owner_id\` ON \`access_tokens\``);
        await queryRunner.query(`CREATE INDEX \`IDX_access_tokens_name\` ON \`access_tokens\` (\`name\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_access_tokens_resource_name\` ON \`access_tokens\` (\`resourceType\`, \`resourceId\`, \`name\`, \`id\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_access_tokens_owner_name\` ON \`access_tokens\` (\`ownerId\`, \`name\`, \`id\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_owner_name\` ON \`access_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_resource_name\` ON \`access_tokens\``);
        await queryRunner.query(`DROP INDEX \`IDX_access_tokens_name\` ON \`access_tokens\``);
        await queryRunner.query(`CREATE INDEX \`IDX_access_tokens_owner_id\` ON \`access_tokens\` (\`ownerId\`)`);
    }

}
