import { existsSync } from 'node:fs';

/** A configuration value that cannot be used; reported as one line naming the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type NodeEnv = 'development' | 'production' | 'test';

export const EXPLORERS = ['sandbox', 'graphiql', 'off'] as const;
/** The in-browser explorer at GET /graphql: Apollo Sandbox (loads from Apollo's CDN), GraphiQL (served by Tessera, works offline), or none. */
export type Explorer = (typeof EXPLORERS)[number];

/** Everything Tessera reads from its environment, validated once at start-up. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  /** `mysql://…` or a SQLite file path (`sqlite:` prefix optional). */
  databaseUrl: string;
  adminEmail?: string;
  adminPassword?: string;
  /** HMAC key for stored token hashes; resolved by `resolveTokenPepper` when unset. */
  tokenPepper?: string;
  sessionTtlSeconds: number;
  /** Sign-in attempts allowed per account and per client address within `loginThrottleWindowSeconds`. */
  loginMaxAttemptsPerAccount: number;
  loginMaxAttemptsPerAddress: number;
  loginThrottleWindowSeconds: number;
  /** Origins allowed by CORS; empty means same-origin only, `*` any. */
  corsOrigins: string[];
  /** TESSERA_EXPLORER; when unset, the older TESSERA_SANDBOX switch (on: sandbox, off: off), off by default in production. */
  explorer: Explorer;
  /** Trust X-Forwarded-For from this many proxies when reading the client address. */
  trustProxy: number;
  /** The OAuth issuer URL (RFC 8414) in the discovery document; unset: each request's origin. */
  issuer?: string;
  /**
   * How long a just-rotated refresh token, presented again, answers the same new pair instead of
   * revoking its family (parallel refreshes, a retry after a lost answer); 0 revokes at once.
   */
  refreshReuseGraceSeconds: number;
  /** The realm served under the Keycloak-compatible OAuth paths (`/realms/<realm>/…`); unset: any realm. */
  keycloakRealm?: string;
  /**
   * Refused credentials (bearer tokens, sessions, refresh tokens) allowed within the window: per
   * presented credential (low: a client retrying a dead token), then per client address (much higher:
   * many callers share an address behind NAT). Valid credentials are never refused by either.
   */
  tokenAuthMaxFailuresPerCredential: number;
  tokenAuthMaxFailuresPerAddress: number;
  tokenAuthFailureWindowSeconds: number;
  /** How long per-use token records are kept. */
  usageRetentionDays: number;
  /** Distinct token uses held in memory between writes; beyond it new ones are dropped (and counted). */
  usageBufferMax: number;
  usageFlushIntervalMs: number;
  /** How long a stop waits for requests in flight before closing their connections. */
  shutdownGraceMs: number;
  /** GraphQL query limits (OWASP GraphQL cheat sheet). */
  queryLimits: { maxDepth: number; maxCost: number; maxAliases: number; maxRootFields: number; maxTokens: number };
  /** Parsed and validated GraphQL documents kept for reuse: at most this many, of at most this many query characters in all. */
  documentCache: { maxEntries: number; maxCharacters: number };
}

type Env = Record<string, string | undefined>;

export const DEFAULT_DATABASE_URL = './data/tessera.sqlite';

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${env[name]}")`);
}

function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return DEFAULT_DATABASE_URL;
  if (isMysqlUrl(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid mysql:// URL');
    }
    if (url.pathname.length <= 1) throw new ConfigError('DATABASE_URL', 'must name a database (mysql://user:pass@host:3306/db)');
    return raw;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new ConfigError('DATABASE_URL', 'must be mysql://user:pass@host:port/db, mariadb://… or a SQLite file path');
  }
  return raw.replace(/^sqlite:/, '');
}

/** An https (or http) URL without query, fragment or trailing slash (RFC 8414 §2), or undefined. */
function issuer(env: Env): string | undefined {
  const raw = env.TESSERA_ISSUER?.trim();
  if (!raw) return undefined;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || raw.endsWith('/')) {
    throw new ConfigError('TESSERA_ISSUER', `must be a URL like https://tessera.example.com, without query, fragment or trailing slash (got "${raw}")`);
  }
  return raw;
}

/** One path segment (a Keycloak realm name), or undefined. */
function keycloakRealm(env: Env): string | undefined {
  const raw = env.TESSERA_KEYCLOAK_REALM?.trim();
  if (!raw) return undefined;
  if (!/^[^/?#%\s]{1,255}$/.test(raw)) throw new ConfigError('TESSERA_KEYCLOAK_REALM', `must be a realm name without /, ?, #, % or spaces (got "${raw}")`);
  return raw;
}

function explorer(env: Env, nodeEnv: NodeEnv): Explorer {
  const sandbox = boolean(env, 'TESSERA_SANDBOX', nodeEnv !== 'production');
  const raw = env.TESSERA_EXPLORER?.trim().toLowerCase();
  if (!raw) return sandbox ? 'sandbox' : 'off';
  const chosen = EXPLORERS.find((name) => name === raw);
  if (!chosen) throw new ConfigError('TESSERA_EXPLORER', `must be sandbox, graphiql or off (got "${env.TESSERA_EXPLORER}")`);
  return chosen;
}

/** Reads and validates the configuration; throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = (env.NODE_ENV?.trim() || 'development') as NodeEnv;
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', `must be development, production or test (got "${env.NODE_ENV}")`);
  }
  const adminEmail = env.TESSERA_ADMIN_EMAIL?.trim() || undefined;
  if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    throw new ConfigError('TESSERA_ADMIN_EMAIL', 'must be an e-mail address');
  }
  const adminPassword = env.TESSERA_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) {
    throw new ConfigError('TESSERA_ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  const tokenPepper = env.TESSERA_TOKEN_PEPPER || undefined;
  if (tokenPepper !== undefined && tokenPepper.length < 32) {
    throw new ConfigError('TESSERA_TOKEN_PEPPER', 'must be at least 32 characters of random data');
  }
  const corsRaw = env.TESSERA_CORS_ORIGINS?.trim() ?? '';
  const corsOrigins = corsRaw ? corsRaw.split(',').map((origin) => origin.trim()).filter(Boolean) : [];
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError('TESSERA_CORS_ORIGINS', `"${origin}" is not an origin like https://studio.apollographql.com`);
    }
  }
  return {
    nodeEnv,
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl: databaseUrl(env),
    adminEmail,
    adminPassword,
    tokenPepper,
    sessionTtlSeconds: integer(env, 'TESSERA_SESSION_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    loginMaxAttemptsPerAccount: integer(env, 'TESSERA_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 5, 1, 1000),
    loginMaxAttemptsPerAddress: integer(env, 'TESSERA_LOGIN_MAX_ATTEMPTS_PER_ADDRESS', 20, 1, 100000),
    loginThrottleWindowSeconds: integer(env, 'TESSERA_LOGIN_THROTTLE_WINDOW_SECONDS', 15 * 60, 1, 24 * 3600),
    corsOrigins,
    explorer: explorer(env, nodeEnv),
    trustProxy: integer(env, 'TESSERA_TRUST_PROXY', 0, 0, 10),
    issuer: issuer(env),
    refreshReuseGraceSeconds: integer(env, 'TESSERA_REFRESH_REUSE_GRACE_SECONDS', 10, 0, 300),
    keycloakRealm: keycloakRealm(env),
    tokenAuthMaxFailuresPerCredential: integer(env, 'TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL', 10, 1, 1_000_000),
    tokenAuthMaxFailuresPerAddress: integer(env, 'TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS', 1000, 1, 1_000_000),
    tokenAuthFailureWindowSeconds: integer(env, 'TESSERA_TOKEN_AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 24 * 3600),
    usageRetentionDays: integer(env, 'TESSERA_USAGE_RETENTION_DAYS', 90, 1, 3650),
    usageBufferMax: integer(env, 'TESSERA_USAGE_BUFFER_MAX', 10_000, 100, 1_000_000),
    usageFlushIntervalMs: integer(env, 'TESSERA_USAGE_FLUSH_INTERVAL_MS', 1000, 10, 60_000),
    shutdownGraceMs: integer(env, 'TESSERA_SHUTDOWN_GRACE_SECONDS', 10, 0, 600) * 1000,
    queryLimits: {
      maxDepth: integer(env, 'TESSERA_MAX_QUERY_DEPTH', 10, 2, 50),
      maxCost: integer(env, 'TESSERA_MAX_QUERY_COST', 10_000, 10, 10_000_000),
      maxAliases: integer(env, 'TESSERA_MAX_ALIASES', 30, 0, 1000),
      maxRootFields: integer(env, 'TESSERA_MAX_ROOT_FIELDS', 10, 1, 100),
      maxTokens: integer(env, 'TESSERA_MAX_QUERY_TOKENS', 2000, 100, 100_000),
    },
    documentCache: {
      maxEntries: integer(env, 'TESSERA_DOCUMENT_CACHE_ENTRIES', 1000, 1, 1_000_000),
      maxCharacters: integer(env, 'TESSERA_DOCUMENT_CACHE_CHARACTERS', 1_000_000, 1000, 1_000_000_000),
    },
  };
}

/** Loads `./.env` into process.env when present; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** `mysql://` for MySQL 8; `mariadb://` selects TypeORM's MariaDB dialect for the same server protocol. */
export const isMysqlUrl = (url: string): boolean => /^(mysql|mariadb):\/\//.test(url);
