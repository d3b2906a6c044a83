import 'reflect-metadata';
import { ConfigError, loadConfig, loadDotEnv } from './core/config/config';
import { logger } from './core/logging/logger';
import { startServer } from './server';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const server = await startServer(config);
  logger.info('Tessera listening', { url: `${server.url}/graphql`, database: config.databaseUrl.startsWith('mysql') || config.databaseUrl.startsWith('mariadb') ? 'mysql' : config.databaseUrl });
  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else {
    logger.error('start-up failed', { error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
  process.exit(1);
});
