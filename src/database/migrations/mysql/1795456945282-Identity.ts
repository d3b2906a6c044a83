import { MigrationInterface, QueryRunner } from "typeorm";

export class Identity1795456945282 implements MigrationInterface {
    name = 'Identity1795456945282'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`audit_events\` (\`id\` varchar(36) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`actorId\` varchar(36) NULL, \`actorTokenId\` varchar(36) NULL, \`action\` varchar(64) NOT NULL, \`targetType\` varchar(32) NULL, \`targetId\` varchar(36) NULL, \`organizationId\` varchar(36) NULL, \`outcome\` varchar(16) NOT NULL, \`reason\` varchar(32) NULL, \`clientAddress\` varchar(64) NULL, \`requestId\` varchar(64) NULL, \`detail\` text NULL, INDEX \`IDX_audit_events_target\` (\`targetType\`, \`targetId\`), INDEX \`IDX_audit_events_actor\` (\`actorId\`, \`id\`), INDEX \`IDX_audit_events_organization\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`organizations\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`resource_groups\` (\`id\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_groups_organization\` (\`organizationId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`users\` (\`id\` varchar(36) NOT NULL, \`kind\` varchar(16) NOT NULL, \`email\` varchar(254) NULL, \`displayName\` varchar(100) NOT NULL, \`passwordHash\` varchar(255) NULL, \`status\` varchar(16) NOT NULL DEFAULT 'ACTIVE', \`validUntil\` datetime(6) NULL, \`isPlatformAdmin\` tinyint NOT NULL DEFAULT 0, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`UQ_users_email\` (\`email\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`memberships\` (\`id\` varchar(36) NOT NULL, \`userId\` varchar(36) NOT NULL, \`resourceType\` varchar(16) NOT NULL, \`resourceId\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`role\` varchar(16) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_memberships_organization\` (\`organizationId\`), INDEX \`IDX_memberships_resource\` (\`resourceType\`, \`resourceId\`), UNIQUE INDEX \`UQ_memberships_user_resource\` (\`userId\`, \`resourceType\`, \`resourceId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`projects\` (\`id\` varchar(36) NOT NULL, \`groupId\` varchar(36) NOT NULL, \`organizationId\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updatedAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_projects_group\` (\`groupId\`), INDEX \`IDX_projects_organization\` (\`organizationId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`sessions\` (\`id\` varchar(36) NOT NULL, \`userId\` varchar(36) NOT NULL, \`tokenHash\` varchar(64) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`expiresAt\` datetime(6) NOT NULL, \`endedAt\` datetime(6) NULL, \`clientAddress\` varchar(64) NULL, INDEX \`IDX_sessions_user\` (\`userId\`), UNIQUE INDEX \`UQ_sessions_token_hash\` (\`tokenHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`resource_groups\` ADD CONSTRAINT \`FK_42b25bf90d4780f7b591ac4f3fc\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organizations\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`memberships\` ADD CONSTRAINT \`FK_187d573e43b2c2aa3960df20b78\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`projects\` ADD CONSTRAINT \`FK_e849c0fab3e6ddf3cb693fb0bf8\` FOREIGN KEY (\`groupId\`) REFERENCES \`resource_groups\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE \`sessions\` ADD CONSTRAINT \`FK_57de40bc620f456c7311aa3a1e6\` FOREIGN KEY (\`userId\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`sessions\` DROP FOREIGN KEY \`FK_57de40bc620f456c7311aa3a1e6\``);
        await queryRunner.query(`ALTER TABLE \`projects\` DROP FOREIGN KEY \`FK_e849c0fab3e6ddf3cb693fb0bf8\``);
        await queryRunner.query(`ALTER TABLE \`memberships\` DROP FOREIGN KEY \`FK_187d573e43b2c2aa3960df20b78\``);
        await queryRunner.query(`ALTER TABLE \`resource_groups\` DROP FOREIGN KEY \`FK_42b25bf90d4780f7b591ac4f3fc\``);
        await queryRunner.query(`DROP INDEX \`UQ_sessions_token_hash\` ON \`sessions\``);
        await queryRunner.query(`DROP INDEX \`IDX_sessions_user\` ON \`sessions\``);
        await queryRunner.query(`DROP TABLE \`sessions\``);
        await queryRunner.query(`DROP INDEX \`IDX_projects_organization\` ON \`projects\``);
        await queryRunner.query(`DROP INDEX \`IDX_projects_group\` ON \`projects\``);
        await queryRunner.query(`DROP TABLE \`projects\``);
        await queryRunner.query(`DROP INDEX \`UQ_memberships_user_resource\` ON \`memberships\``);
        await queryRunner.query(`DROP INDEX \`IDX_memberships_resource\` ON \`memberships\``);
        await queryRunner.query(`DROP INDEX \`IDX_memberships_organization\` ON \`memberships\``);
        await queryRunner.query(`DROP TABLE \`memberships\``);
        await queryRunner.query(`DROP INDEX \`UQ_users_email\` ON \`users\``);
        await queryRunner.query(`DROP TABLE \`users\``);
        await queryRunner.query(`DROP INDEX \`IDX_groups_organization\` ON \`resource_groups\``);
        await queryRunner.query(`DROP TABLE \`resource_groups\``);
        await queryRunner.query(`DROP TABLE \`organizations\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_events_organization\` ON \`audit_events\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_events_actor\` ON \`audit_events\``);
        await queryRunner.query(`DROP INDEX \`IDX_audit_events_target\` ON \`audit_events\``);
        await queryRunner.query(`DROP TABLE \`audit_events\``);
    }

}
