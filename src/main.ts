import 'reflect-metadata';
import { ConfigError, loadConfig, loadDotEnv } from './core/config/config';
import { describeError, flushLogs, logger } from './core/logging/logger';
import { startTracing, tracingRequested } from './core/observability/tracing';

async function main(): Promise<void> {
  loadDotEnv();
  // Before the server's modules are required, which its instrumentations patch as they load; with
  // tracing off, neither the OpenTelemetry SDK nor an instrumentation is loaded.
  const tracing = tracingRequested(process.env) ? startTracing(process.env) : undefined;
  const config = loadConfig();
  const { startServer } = require('./server') as typeof import('./server');
  const server = await startServer(config);
  logger.info({ url: `${server.url}/graphql`, database: config.databaseUrl.startsWith('mysql') || config.databaseUrl.startsWith('mariadb') ? 'mysql' : config.databaseUrl, ...(server.metricsUrl ? { metrics: server.metricsUrl } : {}), ...(tracing ? { tracing: 'otlp' } : {}) }, 'Tessera listening');
  let stopping = false;
  // The only termination handler: drain requests, write buffered uses, close the pool, exit 0.
  // A second signal while stopping is an operator insisting: exit at once.
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while shutting down, exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceSeconds: config.shutdownGraceMs / 1000 }, 'shutting down');
    server
      .stop()
      .then(() => tracing?.shutdown())
      .then(
        () => {
          logger.info('stopped');
          // Exits once 'stopped' and every line before it have reached stdout.
          void flushLogs().then(() => process.exit(0));
        },
        (error: unknown) => {
          logger.error({ error: String(error) }, 'shutdown failed');
          void flushLogs().then(() => process.exit(1));
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
    logger.error({ error: describeError(error) }, 'start-up failed');
  }
  process.exit(1);
});
