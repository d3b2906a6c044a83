import { MigrationInterface, QueryRunner } from "typeorm";

export class WebhookOutbox1796039361397 implements MigrationInterface {
    name = 'WebhookOutbox1796039361397'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`webhook_deliveries\` (\`id\` varchar(36) NOT NULL, \`endpointId\` varchar(36) NOT NULL, \`eventType\` varchar(64) NOT NULL, \`eventKey\` varchar(191) NOT NULL, \`payload\` text NOT NULL, \`status\` varchar(16) NOT NULL DEFAULT 'PENDING', \`attempts\` int NOT NULL DEFAULT '0', \`nextAttemptAt\` datetime(6) NULL, \`lastAttemptAt\` datetime(6) NULL, \`lastStatusCode\` int NULL, \`lastError\` varchar(255) NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`IDX_webhook_deliveries_endpoint\` (\`endpointId\`, \`id\`), INDEX \`IDX_webhook_deliveries_due\` (\`status\`, \`nextAttemptAt\`), UNIQUE INDEX \`UQ_webhook_deliveries_event\` (\`endpointId\`, \`eventKey\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`webhook_endpoints\` (\`id\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NULL, \`userId\` varchar(36) NULL, \`url\` varchar(2000) NOT NULL, \`description\` varchar(500) NULL, \`eventList\` varchar(500) NOT NULL, \`secretSealed\` varchar(255) NOT NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`createdById\` varchar(36) NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_webhook_endpoints_user\` (\`userId\`, \`id\`), INDEX \`IDX_webhook_endpoints_organization\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_webhook_endpoints_organization\` ON \`webhook_endpoints\``);
        await queryRunner.query(`DROP INDEX \`IDX_webhook_endpoints_user\` ON \`webhook_endpoints\``);
        await queryRunner.query(`DROP TABLE \`webhook_endpoints\``);
        await queryRunner.query(`DROP INDEX \`UQ_webhook_deliveries_event\` ON \`webhook_deliveries\``);
        await queryRunner.query(`DROP INDEX \`IDX_webhook_deliveries_due\` ON \`webhook_deliveries\``);
        await queryRunner.query(`DROP INDEX \`IDX_webhook_deliveries_endpoint\` ON \`webhook_deliveries\``);
        await queryRunner.query(`DROP TABLE \`webhook_deliveries\``);
    }

}
