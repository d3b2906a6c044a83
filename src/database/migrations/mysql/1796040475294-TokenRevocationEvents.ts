import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenRevocationEvents1796040475294 implements MigrationInterface {
    name = 'TokenRevocationEvents1796040475294'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`token_revocation_events\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`subjectType\` varchar(10) NOT NULL, \`subjectId\` varchar(36) NOT NULL, \`createdAt\` datetime(6) NOT NULL, INDEX \`IDX_token_revocation_events_created_at\` (\`createdAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_token_revocation_events_created_at\` ON \`token_revocation_events\``);
        await queryRunner.query(`DROP TABLE \`token_revocation_events\``);
    }

}
