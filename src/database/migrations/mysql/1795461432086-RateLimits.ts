import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failure counters of the sign-in and token-authentication throttles, shared by every instance
 * (rate-limiter-flexible's RateLimiterMySQL layout). No entity: only the throttle reads it.
 * SQLite installations run one instance and count in memory.
 */
export class RateLimits1795461432086 implements MigrationInterface {
  name = 'RateLimits1795461432086';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `rate_limits` (`key` varchar(255) NOT NULL, `points` int NOT NULL DEFAULT 0, `expire` bigint UNSIGNED NULL, PRIMARY KEY (`key`)) ENGINE=InnoDB',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `rate_limits`');
  }
}
