import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { DataSource, Logger } from 'typeorm';
import { createApp } from './app';
import { AppConfig, isMysqlUrl } from './core/config/config';
import { createDataSource } from './database/data-source';
import { drainable } from './core/http/drain';
import { resolveTokenPepper } from './core/secrets/pepper';
import { bootstrapAdmin } from './modules/user/bootstrap-admin';
import { buildTesseraSchema } from './schema';
import { Services, createServices } from './services';

export interface RunningServer {
  url: string;
  port: number;
  db: DataSource;
  services: Services;
  /**
   * Stops accepting requests, lets those in flight finish (up to the configured grace), writes the
   * buffered token uses and last-used marks, then closes the database.
   */
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Receives every SQL statement (tests that count queries). */
  sqlLogger?: Logger;
  /** Where first-start messages go (the generated admin password); stdout by default. */
  print?: (line: string) => void;
}

/** Opens the database, applies pending migrations, bootstraps the first admin and listens on PORT. */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const pepper = resolveTokenPepper(config);
  if (!isMysqlUrl(config.databaseUrl) && config.databaseUrl !== ':memory:') mkdirSync(dirname(config.databaseUrl), { recursive: true });
  const db = createDataSource(config.databaseUrl, { logger: options.sqlLogger });
  await db.initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
    await bootstrapAdmin(db, config, options.print ?? ((line) => process.stdout.write(`${line}\n`)));
    const services = createServices(db, config, pepper);
    services.usageRecorder.start();
    const stopGraceSweep = services.refreshTokens.grace.startSweep(db);
    const { handler, apollo } = await createApp(config, db, await buildTesseraSchema(), services);
    const requests = drainable(handler);
    const server = createServer(requests.listener);
    await new Promise<void>((resolve, reject) => server.listen(config.port, resolve).on('error', reject));
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      db,
      services,
      stop: async () => {
        await requests.drain(server, config.shutdownGraceMs);
        await apollo.stop();
        stopGraceSweep();
        await services.usageRecorder.stop();
        await services.lastUsed.drain();
        await db.destroy();
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

