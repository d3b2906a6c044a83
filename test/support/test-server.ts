import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from 'typeorm';
import { AppConfig, loadConfig } from '../../src/core/config/config';
import { createScratchMysqlDatabase } from '../../src/core/database/scratch-database';
import { RunningServer, startServer } from '../../src/server';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const TEST_PEPPER = 'test-pepper-0123456789abcdef0123456789abcdef';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions: { code: string; fields?: Array<{ field: string; constraint?: string }>; [key: string]: unknown } }>;
}

export interface TestServer extends RunningServer {
  database: 'sqlite' | 'mysql';
  databaseUrl: string;
  config: AppConfig;
  /** Stops the server (gracefully) but keeps its database until `stop()`. */
  stopServer(): Promise<void>;
  /**
   * Finishes the background work requests leave (buffered token uses, last-used marks, a waiting
   * cache re-read), so a statement count that follows holds only what the next request causes.
   */
  settleBackgroundWork(): Promise<void>;
  /** POSTs one GraphQL operation, with `token` as bearer when given. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
}

/** The database this jest project runs on: `sqlite` or `mysql` (see jest.config.js). */
export function testDatabase(): 'sqlite' | 'mysql' {
  return (globalThis as { TESSERA_TEST_DB?: 'sqlite' | 'mysql' }).TESSERA_TEST_DB ?? 'sqlite';
}

/** A fresh database of this project's dialect: a temporary SQLite file, or a scratch MySQL database that `cleanup()` drops. */
export async function createTestDatabase(label = 'test'): Promise<{ databaseUrl: string; cleanup: () => Promise<void> }> {
  if (testDatabase() === 'mysql') {
    const serverUrl = process.env.TEST_MYSQL_URL;
    if (!serverUrl) throw new Error('TEST_MYSQL_URL is required for the mysql project');
    const scratch = await createScratchMysqlDatabase(serverUrl, label);
    return { databaseUrl: scratch.url, cleanup: scratch.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  return { databaseUrl: join(dir, 'tessera.sqlite'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the real server on a free port over a fresh database of this project's dialect
 * (a temporary SQLite file, or a scratch MySQL database that `stop()` drops).
 */
export async function startTestServer(options: { env?: Record<string, string>; sqlLogger?: Logger; label?: string } = {}): Promise<TestServer> {
  const database = testDatabase();
  const { databaseUrl, cleanup } = await createTestDatabase(options.label);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    TESSERA_ADMIN_EMAIL: ADMIN_EMAIL,
    TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TESSERA_TOKEN_PEPPER: TEST_PEPPER,
    TESSERA_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000',
    // Warnings and errors show in test output; access lines would drown them.
    TESSERA_LOG_LEVEL: 'warn',
    // Scheduled background work runs only where a test asks for it (tests that count statements must not race it).
    TESSERA_VALIDITY_SWEEP_SECONDS: '3600',
    TESSERA_STALE_SWEEP_SECONDS: '86400',
    TESSERA_WEBHOOK_POLL_MS: '600000',
    TESSERA_WEBHOOK_EXPIRY_SCAN_SECONDS: '86400',
    // The production bounds (5 s) are for a service; on a loaded CI machine a healthy MariaDB may be
    // slower than that. Tests about stalls set their own bounds.
    TESSERA_DB_QUERY_TIMEOUT_MS: '30000',
    TESSERA_DB_CONNECT_TIMEOUT_MS: '30000',
    ...options.env,
  });
  const server = await startServer(config, { sqlLogger: options.sqlLogger, print: () => undefined });
  let running = true;
  const stopServer = async () => {
    if (running) await server.stop();
    running = false;
  };
  return {
    ...server,
    database,
    databaseUrl,
    config,
    stopServer,
    settleBackgroundWork: async () => {
      await server.services.usageRecorder.flush();
      await server.services.lastUsed.drain();
      await server.services.tokenCache.drain();
    },
    stop: async () => {
      await stopServer();
      await cleanup();
    },
    gql: async (query, variables, token, headers = {}) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any };
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
    },
  };
}
