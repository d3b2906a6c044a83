import 'reflect-metadata';
import { ConfigError, loadConfig, loadDotEnv } from './core/config/config';
import { logger } from './core/logging/logger';
import { startServer } from './server';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const server = await startServer(config);
  logger.info('Tessera listening', { url: `${server.url}/graphql`, database: config.databaseUrl.startsWith('mysql') || config.databaseUrl.startsWith('mariadb') ? 'mysql' : config.databaseUrl });
  let stopping = false;
  // The only termination handler: drain requests, write buffered uses, close the pool, exit 0.
  // A second signal while stopping is an operator insisting: exit at once.
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal while shutting down, exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal, graceSeconds: config.shutdownGraceMs / 1000 });
    server.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else {
    logger.error('start-up failed', { error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
  process.exit(1);
});
