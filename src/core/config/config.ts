import { existsSync } from 'node:fs';
import { z } from 'zod';
import { LOG_FORMATS, LOG_LEVELS, LogFormat, LogLevel } from '../logging/logger';

/** A configuration value that cannot be used; reported as one line naming the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type NodeEnv = 'development' | 'production' | 'test';

/** One server-side key for token digests, named by a short id that each digested row records. */
export interface TokenPepper {
  id: string;
  secret: string;
}

export const EXPLORERS = ['sandbox', 'graphiql', 'off'] as const;
/** The in-browser explorer at GET /graphql: Apollo Sandbox (loads from Apollo's CDN), GraphiQL (served by Tessera, works offline), or none. */
export type Explorer = (typeof EXPLORERS)[number];

/** Everything Tessera reads from its environment, validated once at start-up. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  /** `mysql://…` or a SQLite file path (`sqlite:` prefix optional). */
  databaseUrl: string;
  /**
   * MySQL/MariaDB only: pool size, and bounds on every wait, so that a database that stops
   * answering fails requests with 503 within seconds instead of hanging them.
   */
  database: { poolSize: number; connectTimeoutMs: number; queryTimeoutMs: number; queueLimit: number };
  adminEmail?: string;
  adminPassword?: string;
  /** TESSERA_TOKEN_PEPPER: the one HMAC key for stored token hashes (a keyring of one, id "default"); see `resolveTokenPeppers`. */
  tokenPepper?: string;
  /** TESSERA_TOKEN_PEPPERS: the pepper keyring, current first; replaces `tokenPepper` when set. */
  tokenPeppers?: TokenPepper[];
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
  /** How often each instance ends the credentials of accounts whose validity date has passed. */
  validitySweepMs: number;
  /**
   * Webhook delivery: `allowPrivate` lets endpoints resolve to loopback, link-local and private
   * addresses (refused by default: SSRF); each instance polls for due deliveries every `pollMs`;
   * retries wait `retryBaseMs` doubling (capped at 480 times it), about 24 hours in all at the default.
   */
  webhooks: { allowPrivate: boolean; pollMs: number; retryBaseMs: number; timeoutMs: number; expiryScanMs: number };
  /** How often each instance revokes tokens unused for longer than their policy allows. */
  staleSweepMs: number;
  /** Personal tokens unused for this many days are revoked by the stale sweep; undefined: never. */
  revokeUnusedPersonalTokensAfterDays?: number;
  /** Longest rotation overlap a personal token may get, in seconds; 0: the old secret stops at once. */
  maxRotationOverlapSeconds: number;
  /** `POST /tokens/leaked` calls one client address may make per minute. */
  leakReportsPerMinute: number;
  /** GraphQL query limits (OWASP GraphQL cheat sheet). */
  queryLimits: { maxDepth: number; maxCost: number; maxAliases: number; maxRootFields: number; maxTokens: number };
  /** Parsed and validated GraphQL documents kept for reuse: at most this many, of at most this many query characters in all. */
  documentCache: { maxEntries: number; maxCharacters: number };
  /**
   * Verified-token cache: at most `maxEntries` token rows kept in memory (0: off), each trusted for
   * `ttlMs` at most; revocations reach other instances through the event table polled every `pollMs`.
   */
  tokenCache: { maxEntries: number; ttlMs: number; pollMs: number };
  /** Log lines below this level are not written. */
  logLevel: LogLevel;
  /** TESSERA_LOG_FORMAT; unset: pretty in development on a terminal, JSON otherwise. */
  logFormat?: LogFormat;
  /** When set, GET /metrics is served on this port only (the main port answers 404), so it need not face the internet. */
  metricsPort?: number;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_DATABASE_URL = './data/tessera.sqlite';

// Each variable is a string or absent. Two notions of "unset": an empty value (numbers and secrets,
// whose spaces are significant or an error) and a blank one (names, URLs and switches, trimmed).
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((raw) => (raw === '' ? undefined : raw), schema);
const unsetWhenBlank = <T extends z.ZodType>(schema: T) => z.preprocess((raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw), schema);

/** A whole number within [min, max]. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, { error: (issue) => `must be a whole number (got "${String(issue.input)}")` })
    .transform(Number)
    // Also catches Infinity (hundreds of digits), as a value out of range.
    .pipe(z.number({ error: (issue) => `must be between ${min} and ${max} (got ${String(issue.input)})` }).min(min).max(max));

/** A whole number within [min, max]; the default when unset. */
const integer = (fallback: number, min: number, max: number) => unsetWhenEmpty(wholeNumber(min, max).default(fallback));

/** A whole number within [min, max]; undefined when unset. */
const optionalInteger = (min: number, max: number) => unsetWhenEmpty(wholeNumber(min, max).optional());

/** One of `values` after trimming (and lower-casing when `caseless`); the error echoes the value as given. */
const choice = <const T extends string>(values: readonly T[], expected: string, caseless: boolean) => {
  const normalize = (raw: string) => (caseless ? raw.trim().toLowerCase() : raw.trim());
  return z
    .string()
    .refine((raw) => (values as readonly string[]).includes(normalize(raw)), { error: (issue) => `must be ${expected} (got "${String(issue.input)}")` })
    .transform((raw) => normalize(raw) as T);
};

const TRUE = ['1', 'true', 'yes', 'on'] as const;
const FALSE = ['0', 'false', 'no', 'off'] as const;
/** A switch; undefined when unset, so that its default may depend on other variables. */
const boolean = unsetWhenBlank(
  choice([...TRUE, ...FALSE], 'true or false', true)
    .transform((value) => (TRUE as readonly string[]).includes(value))
    .optional(),
);

/** A secret of at least `min` characters, taken as given (spaces included). */
const secret = (min: number, message: string) => unsetWhenEmpty(z.string().min(min, { error: message }).optional());

/** `id:secret,id:secret…`, current first: ids of 1 to 16 of [A-Za-z0-9._-], unique; secrets of 32 characters or more. */
const pepperList = unsetWhenEmpty(
  z
    .string()
    .transform((raw, ctx) => {
      const peppers: TokenPepper[] = [];
      for (const [index, entry] of raw.split(',').entries()) {
        const colon = entry.indexOf(':');
        const id = entry.slice(0, colon).trim();
        const secret = entry.slice(colon + 1);
        const problem =
          colon < 0 || !/^[A-Za-z0-9._-]{1,16}$/.test(id)
            ? `entry ${index + 1} must be id:secret, the id 1 to 16 letters, digits, '.', '_' or '-'`
            : secret.length < 32
              ? `the secret of "${id}" must be at least 32 characters of random data`
              : peppers.some((pepper) => pepper.id === id)
                ? `the id "${id}" appears twice`
                : null;
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
        peppers.push({ id, secret });
      }
      return peppers;
    })
    .optional(),
);

/** `mysql://…`/`mariadb://…` naming a database, or a SQLite file path (`sqlite:` prefix optional). */
const databaseUrl = unsetWhenBlank(
  z
    .string()
    .trim()
    .refine((raw) => isMysqlUrl(raw) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw), { error: 'must be mysql://user:pass@host:port/db, mariadb://… or a SQLite file path', abort: true })
    .refine((raw) => !isMysqlUrl(raw) || URL.canParse(raw), { error: 'is not a valid mysql:// URL', abort: true })
    .refine((raw) => !isMysqlUrl(raw) || new URL(raw).pathname.length > 1, { error: 'must name a database (mysql://user:pass@host:3306/db)' })
    .transform((raw) => (isMysqlUrl(raw) ? raw : raw.replace(/^sqlite:/, '')))
    .default(DEFAULT_DATABASE_URL),
);

/** An https (or http) URL without query, fragment or trailing slash (RFC 8414 §2). */
const isIssuer = (raw: string): boolean => {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  return !!url && /^https?:$/.test(url.protocol) && !url.search && !url.hash && !raw.endsWith('/');
};

const ORIGIN = /^https?:\/\/[^/\s]+$/;

/** The environment, variable by variable (in the order their errors are reported), then the AppConfig made of it. */
const environment = z
  .object({
    NODE_ENV: unsetWhenBlank(choice(['development', 'production', 'test'], 'development, production or test', false).default('development')),
    TESSERA_ADMIN_EMAIL: unsetWhenBlank(z.string().trim().regex(/^[^\s@]+@[^\s@]+$/, { error: 'must be an e-mail address' }).optional()),
    TESSERA_ADMIN_PASSWORD: secret(12, 'must be at least 12 characters'),
    TESSERA_TOKEN_PEPPER: secret(32, 'must be at least 32 characters of random data'),
    TESSERA_TOKEN_PEPPERS: pepperList,
    TESSERA_CORS_ORIGINS: unsetWhenBlank(
      z
        .string()
        .transform((raw) => raw.split(',').map((origin) => origin.trim()).filter(Boolean))
        .pipe(z.array(z.string().refine((origin) => origin === '*' || ORIGIN.test(origin), { error: (issue) => `"${String(issue.input)}" is not an origin like https://studio.apollographql.com` })))
        .default([]),
    ),
    PORT: integer(4000, 0, 65535),
    DATABASE_URL: databaseUrl,
    TESSERA_DB_POOL_SIZE: integer(10, 1, 1000),
    TESSERA_DB_CONNECT_TIMEOUT_MS: integer(5000, 100, 120_000),
    TESSERA_DB_QUERY_TIMEOUT_MS: integer(5000, 100, 3_600_000),
    TESSERA_DB_QUEUE_LIMIT: integer(100, 1, 1_000_000),
    TESSERA_SESSION_TTL_SECONDS: integer(12 * 3600, 60, 30 * 24 * 3600),
    TESSERA_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: integer(5, 1, 1000),
    TESSERA_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: integer(20, 1, 100000),
    TESSERA_LOGIN_THROTTLE_WINDOW_SECONDS: integer(15 * 60, 1, 24 * 3600),
    TESSERA_SANDBOX: boolean,
    TESSERA_EXPLORER: unsetWhenBlank(choice(EXPLORERS, 'sandbox, graphiql or off', true).optional()),
    TESSERA_TRUST_PROXY: integer(0, 0, 10),
    TESSERA_ISSUER: unsetWhenBlank(
      z
        .string()
        .trim()
        .refine(isIssuer, { error: (issue) => `must be a URL like https://tessera.example.com, without query, fragment or trailing slash (got "${String(issue.input)}")` })
        .optional(),
    ),
    TESSERA_REFRESH_REUSE_GRACE_SECONDS: integer(10, 0, 300),
    TESSERA_KEYCLOAK_REALM: unsetWhenBlank(
      z
        .string()
        .trim()
        .regex(/^[^/?#%\s]{1,255}$/, { error: (issue) => `must be a realm name without /, ?, #, % or spaces (got "${String(issue.input)}")` })
        .optional(),
    ),
    TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: integer(10, 1, 1_000_000),
    TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: integer(1000, 1, 1_000_000),
    TESSERA_TOKEN_AUTH_FAILURE_WINDOW_SECONDS: integer(60, 1, 24 * 3600),
    TESSERA_USAGE_RETENTION_DAYS: integer(90, 1, 3650),
    TESSERA_USAGE_BUFFER_MAX: integer(10_000, 100, 1_000_000),
    TESSERA_USAGE_FLUSH_INTERVAL_MS: integer(1000, 10, 60_000),
    TESSERA_SHUTDOWN_GRACE_SECONDS: integer(10, 0, 600),
    TESSERA_VALIDITY_SWEEP_SECONDS: integer(60, 1, 3600),
    TESSERA_WEBHOOKS_ALLOW_PRIVATE: boolean,
    TESSERA_WEBHOOK_POLL_MS: integer(2000, 10, 600_000),
    TESSERA_WEBHOOK_RETRY_BASE_MS: integer(30_000, 1, 3_600_000),
    TESSERA_WEBHOOK_TIMEOUT_MS: integer(5000, 100, 30_000),
    TESSERA_WEBHOOK_EXPIRY_SCAN_SECONDS: integer(300, 1, 24 * 3600),
    TESSERA_STALE_SWEEP_SECONDS: integer(3600, 1, 24 * 3600),
    TESSERA_REVOKE_UNUSED_PERSONAL_TOKENS_AFTER_DAYS: optionalInteger(1, 3650),
    TESSERA_MAX_ROTATION_OVERLAP_SECONDS: integer(0, 0, 7 * 24 * 3600),
    TESSERA_LEAK_REPORTS_PER_MINUTE: integer(30, 1, 100_000),
    TESSERA_MAX_QUERY_DEPTH: integer(10, 2, 50),
    TESSERA_MAX_QUERY_COST: integer(10_000, 10, 10_000_000),
    TESSERA_MAX_ALIASES: integer(30, 0, 1000),
    TESSERA_MAX_ROOT_FIELDS: integer(10, 1, 100),
    TESSERA_MAX_QUERY_TOKENS: integer(2000, 100, 100_000),
    TESSERA_DOCUMENT_CACHE_ENTRIES: integer(1000, 1, 1_000_000),
    TESSERA_DOCUMENT_CACHE_CHARACTERS: integer(1_000_000, 1000, 1_000_000_000),
    TESSERA_TOKEN_CACHE_ENTRIES: integer(10_000, 0, 10_000_000),
    TESSERA_TOKEN_CACHE_TTL_SECONDS: integer(5, 1, 300),
    TESSERA_REVOCATION_POLL_MS: integer(50, 10, 10_000),
    TESSERA_LOG_LEVEL: unsetWhenBlank(choice(LOG_LEVELS, 'fatal, error, warn, info, debug, trace or silent', true).default('info')),
    TESSERA_LOG_FORMAT: unsetWhenBlank(choice(LOG_FORMATS, 'json or pretty', true).optional()),
    TESSERA_METRICS_PORT: optionalInteger(0, 65535),
  })
  .transform(
    (env): AppConfig => ({
      nodeEnv: env.NODE_ENV,
      port: env.PORT,
      databaseUrl: env.DATABASE_URL,
      database: {
        poolSize: env.TESSERA_DB_POOL_SIZE,
        connectTimeoutMs: env.TESSERA_DB_CONNECT_TIMEOUT_MS,
        queryTimeoutMs: env.TESSERA_DB_QUERY_TIMEOUT_MS,
        queueLimit: env.TESSERA_DB_QUEUE_LIMIT,
      },
      adminEmail: env.TESSERA_ADMIN_EMAIL,
      adminPassword: env.TESSERA_ADMIN_PASSWORD,
      tokenPepper: env.TESSERA_TOKEN_PEPPER,
      tokenPeppers: env.TESSERA_TOKEN_PEPPERS,
      sessionTtlSeconds: env.TESSERA_SESSION_TTL_SECONDS,
      loginMaxAttemptsPerAccount: env.TESSERA_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
      loginMaxAttemptsPerAddress: env.TESSERA_LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      loginThrottleWindowSeconds: env.TESSERA_LOGIN_THROTTLE_WINDOW_SECONDS,
      corsOrigins: env.TESSERA_CORS_ORIGINS,
      // TESSERA_EXPLORER wins; the older switch (off by default in production) applies when it is unset.
      explorer: env.TESSERA_EXPLORER ?? ((env.TESSERA_SANDBOX ?? env.NODE_ENV !== 'production') ? 'sandbox' : 'off'),
      trustProxy: env.TESSERA_TRUST_PROXY,
      issuer: env.TESSERA_ISSUER,
      refreshReuseGraceSeconds: env.TESSERA_REFRESH_REUSE_GRACE_SECONDS,
      keycloakRealm: env.TESSERA_KEYCLOAK_REALM,
      tokenAuthMaxFailuresPerCredential: env.TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL,
      tokenAuthMaxFailuresPerAddress: env.TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS,
      tokenAuthFailureWindowSeconds: env.TESSERA_TOKEN_AUTH_FAILURE_WINDOW_SECONDS,
      usageRetentionDays: env.TESSERA_USAGE_RETENTION_DAYS,
      usageBufferMax: env.TESSERA_USAGE_BUFFER_MAX,
      usageFlushIntervalMs: env.TESSERA_USAGE_FLUSH_INTERVAL_MS,
      shutdownGraceMs: env.TESSERA_SHUTDOWN_GRACE_SECONDS * 1000,
      validitySweepMs: env.TESSERA_VALIDITY_SWEEP_SECONDS * 1000,
      webhooks: {
        allowPrivate: env.TESSERA_WEBHOOKS_ALLOW_PRIVATE ?? false,
        pollMs: env.TESSERA_WEBHOOK_POLL_MS,
        retryBaseMs: env.TESSERA_WEBHOOK_RETRY_BASE_MS,
        timeoutMs: env.TESSERA_WEBHOOK_TIMEOUT_MS,
        expiryScanMs: env.TESSERA_WEBHOOK_EXPIRY_SCAN_SECONDS * 1000,
      },
      staleSweepMs: env.TESSERA_STALE_SWEEP_SECONDS * 1000,
      revokeUnusedPersonalTokensAfterDays: env.TESSERA_REVOKE_UNUSED_PERSONAL_TOKENS_AFTER_DAYS,
      maxRotationOverlapSeconds: env.TESSERA_MAX_ROTATION_OVERLAP_SECONDS,
      leakReportsPerMinute: env.TESSERA_LEAK_REPORTS_PER_MINUTE,
      queryLimits: {
        maxDepth: env.TESSERA_MAX_QUERY_DEPTH,
        maxCost: env.TESSERA_MAX_QUERY_COST,
        maxAliases: env.TESSERA_MAX_ALIASES,
        maxRootFields: env.TESSERA_MAX_ROOT_FIELDS,
        maxTokens: env.TESSERA_MAX_QUERY_TOKENS,
      },
      documentCache: { maxEntries: env.TESSERA_DOCUMENT_CACHE_ENTRIES, maxCharacters: env.TESSERA_DOCUMENT_CACHE_CHARACTERS },
      tokenCache: { maxEntries: env.TESSERA_TOKEN_CACHE_ENTRIES, ttlMs: env.TESSERA_TOKEN_CACHE_TTL_SECONDS * 1000, pollMs: env.TESSERA_REVOCATION_POLL_MS },
      logLevel: env.TESSERA_LOG_LEVEL,
      logFormat: env.TESSERA_LOG_FORMAT,
      metricsPort: env.TESSERA_METRICS_PORT,
    }),
  );

/** Reads and validates the configuration; throws ConfigError for the first bad value. */
export function loadConfig(env: Env = process.env): AppConfig {
  const result = environment.safeParse(env);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw new ConfigError(String(issue.path[0]), issue.message);
}

/** Loads `./.env` into process.env when present; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** `mysql://` for MySQL 8; `mariadb://` selects TypeORM's MariaDB dialect for the same server protocol. */
export const isMysqlUrl = (url: string): boolean => /^(mysql|mariadb):\/\//.test(url);
