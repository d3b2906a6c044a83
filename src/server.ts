import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { DataSource, Logger } from 'typeorm';
import { createApp } from './app';
import { AppConfig, isMysqlUrl } from './core/config/config';
import { runEvery } from './core/lifecycle/schedule';
import { createDataSource, runMigrations } from './database/data-source';
import { drainable } from './core/http/drain';
import { configureLogging } from './core/logging/logger';
import { resolveTokenPeppers } from './core/secrets/pepper';
import { bootstrapAdmin } from './modules/user/bootstrap-admin';
import { buildTesseraSchema } from './schema';
import { Services, createServices } from './services';
import { systemContext as contextOfSystem } from './system-context';

export interface RunningServer {
  url: string;
  port: number;
  /** GET /metrics on TESSERA_METRICS_PORT, when set. */
  metricsUrl?: string;
  db: DataSource;
  services: Services;
  /**
   * Stops accepting requests, lets those in flight finish (up to the configured grace), writes the
   * buffered token uses and last-used marks, then closes the database.
   */
  stop: () => Promise<void>;
}

const GRACE_SWEEP_INTERVAL_MS = 30_000;
/**
 * How long an idle keep-alive connection stays open: longer than the idle timeouts of the proxies and
 * clients in front (AWS ALB and nginx 60 s), so that they, not Tessera, close it. Node's default (5 s)
 * races a client's next request on a connection being closed: an ECONNRESET, or a proxy's 502, for a
 * request Tessera never saw. A stop still closes idle connections at once.
 */
const KEEP_ALIVE_MS = 65_000;

export interface StartOptions {
  /** Receives every SQL statement (tests that count queries). */
  sqlLogger?: Logger;
  /** Where first-start messages go (the generated admin password); stdout by default. */
  print?: (line: string) => void;
}

const listen = (server: Server, port: number): Promise<number> =>
  new Promise<number>((resolve, reject) => server.listen(port, () => resolve((server.address() as AddressInfo).port)).on('error', reject));

/**
 * Opens the database, applies pending migrations, bootstraps the first admin and listens on PORT
 * (and on TESSERA_METRICS_PORT for /metrics). The process logger takes this server's level and format.
 */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  configureLogging({ level: config.logLevel, format: config.logFormat, nodeEnv: config.nodeEnv });
  const peppers = resolveTokenPeppers(config);
  if (!isMysqlUrl(config.databaseUrl) && config.databaseUrl !== ':memory:') mkdirSync(dirname(config.databaseUrl), { recursive: true });
  const db = createDataSource(config.databaseUrl, { logger: options.sqlLogger, limits: config.database });
  await db.initialize();
  let metricsServer: Server | null = null;
  try {
    await runMigrations(db);
    await bootstrapAdmin(db, config, options.print ?? ((line) => process.stdout.write(`${line}\n`)));
    const services = createServices(db, config, peppers);
    services.usageRecorder.start();
    const stopRevocationFeed = services.tokenRevocations.start(db);
    // What the server does on its own (no caller): audited as the system.
    const systemContext = () => contextOfSystem(db, config, services);
    // The grace sweep bounds how long sealed refresh pairs stay at rest; replays after the window are refused regardless.
    const stopGraceSweep = runEvery('refresh grace sweep', GRACE_SWEEP_INTERVAL_MS, () => services.refreshTokens.grace.wipeExpired(db.manager));
    const stopValiditySweep = runEvery('validity sweep', config.validitySweepMs, () => services.users.endLapsedValidity(systemContext()), { immediately: true });
    const stopWebhookDelivery = runEvery('webhook delivery', config.webhooks.pollMs, () => services.webhookDeliveries.deliverDue(db));
    const stopExpiryScan = runEvery('token expiry scan', config.webhooks.expiryScanMs, () => services.webhooks.scanExpiry(db), { immediately: true });
    const stopStaleSweep = runEvery('stale-token sweep', config.staleSweepMs, () => services.staleTokens.sweep(systemContext()), { immediately: true });
    const { handler, apollo, metrics } = await createApp(config, db, await buildTesseraSchema(), services);
    const requests = drainable(handler);
    const server = createServer(requests.listener);
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    // Only GET /metrics there; anything else is 404.
    metricsServer =
      config.metricsPort === undefined
        ? null
        : createServer((req, res) => (req.method === 'GET' && req.url?.split('?')[0] === '/metrics' ? metrics.listener(req, res) : res.writeHead(404).end()));
    const metricsPort = metricsServer ? await listen(metricsServer, config.metricsPort!) : undefined;
    const port = await listen(server, config.port);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      ...(metricsPort !== undefined ? { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` } : {}),
      db,
      services,
      stop: async () => {
        await requests.drain(server, config.shutdownGraceMs);
        if (metricsServer) {
          const closed = new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
          metricsServer.closeAllConnections();
          await closed;
        }
        await apollo.stop();
        stopGraceSweep();
        stopRevocationFeed();
        await services.tokenCache.stop();
        stopValiditySweep();
        stopWebhookDelivery();
        stopExpiryScan();
        stopStaleSweep();
        await services.usageRecorder.stop();
        await services.lastUsed.drain();
        await peppers.settle();
        await db.destroy();
      },
    };
  } catch (error) {
    metricsServer?.close();
    await db.destroy();
    throw error;
  }
}

