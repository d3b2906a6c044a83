import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '../src/database/data-source';
import { createScratchMysqlDatabase } from '../src/core/database/scratch-database';

/**
 * Fails when the entities and the schema the migrations build differ, on SQLite and (when
 * TEST_MYSQL_URL names a server, e.g. mysql://root@127.0.0.1:3306) on MySQL: the same comparison
 * `typeorm migration:generate --check` makes, run on a fresh database of each dialect.
 */
async function pendingSchemaChanges(databaseUrl: string): Promise<string[]> {
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((query) => query.query);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const targets: Array<{ dialect: string; url: string; drop?: () => Promise<void> }> = [
    { dialect: 'sqlite', url: join(mkdtempSync(join(tmpdir(), 'tessera-migrations-')), 'check.sqlite') },
  ];
  if (process.env.TEST_MYSQL_URL) {
    const scratch = await createScratchMysqlDatabase(process.env.TEST_MYSQL_URL, 'migration_check');
    targets.push({ dialect: 'mysql', url: scratch.url, drop: scratch.drop });
  } else {
    console.log('migration check: TEST_MYSQL_URL unset, checking SQLite only');
  }
  let drift = false;
  for (const target of targets) {
    try {
      const pending = await pendingSchemaChanges(target.url);
      if (pending.length > 0) {
        drift = true;
        console.error(`migration check: ${target.dialect} schema built by migrations differs from the entities:`);
        for (const query of pending) console.error(`  ${query}`);
      } else {
        console.log(`migration check: ${target.dialect} migrations match the entities`);
      }
    } finally {
      await target.drop?.();
    }
  }
  if (drift) {
    console.error('Generate a migration: scripts/generate-migration.sh <Name>');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
