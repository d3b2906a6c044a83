import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig, ConfigError, TokenPepper, isMysqlUrl } from '../config/config';
import { logger } from '../logging/logger';
import { hashSecret } from './secret-format';

/** The id of the only pepper of TESSERA_TOKEN_PEPPER (and of the generated SQLite one), and of every row digested before pepper ids. */
export const DEFAULT_PEPPER_ID = 'default';

/** A row found by the digest of a secret, with the pepper that digest was made with. */
export interface PepperedMatch<T> {
  record: T;
  pepper: TokenPepper;
}

/**
 * The token peppers, current first (TESSERA_TOKEN_PEPPERS). New digests use the current one;
 * lookups fall back to the previous ones, so a pepper can be rotated without invalidating what was
 * issued under it, and retired once `tessera pepper-status` counts no live row under it.
 */
export class PepperRing {
  readonly current: TokenPepper;

  constructor(readonly peppers: readonly TokenPepper[]) {
    if (peppers.length === 0) throw new Error('a pepper ring needs at least one pepper');
    this.current = peppers[0];
  }

  /** The digest stored for a new secret. */
  digest(secret: string): string {
    return hashSecret(secret, this.current.secret);
  }

  /** The pepper with this id, if it is still in the ring. */
  byId(id: string): TokenPepper | undefined {
    return this.peppers.find((pepper) => pepper.id === id);
  }

  isCurrent(pepper: TokenPepper): boolean {
    return pepper.id === this.current.id;
  }

  /**
   * Finds the row of one secret: by its digest under the current pepper, then, only on a miss,
   * under each previous one in turn. One lookup per pepper tried; none after a hit.
   */
  async find<T>(secret: string, lookup: (digest: string) => Promise<T | null | undefined>): Promise<PepperedMatch<T> | null> {
    for (const pepper of this.peppers) {
      const record = await lookup(hashSecret(secret, pepper.secret));
      if (record) return { record, pepper };
    }
    return null;
  }

  /**
   * Finds the rows of several secrets: one batch lookup of the digests under the current pepper,
   * then one per previous pepper for the secrets still missing. `digestOf` reads a row's digest.
   */
  async findMany<T>(secrets: readonly string[], lookup: (digests: string[]) => Promise<T[]>, digestOf: (record: T) => string): Promise<Map<string, PepperedMatch<T>>> {
    const found = new Map<string, PepperedMatch<T>>();
    let missing = [...secrets];
    for (const pepper of this.peppers) {
      if (missing.length === 0) break;
      const digests = missing.map((secret) => hashSecret(secret, pepper.secret));
      for (const record of await lookup(digests)) {
        const index = digests.indexOf(digestOf(record));
        if (index >= 0) found.set(missing[index], { record, pepper });
      }
      missing = missing.filter((secret) => !found.has(secret));
    }
    return found;
  }

  /**
   * Moves a row found under a previous pepper to the current one without delaying the caller:
   * `update` is a conditional UPDATE (no-op when the row changed meanwhile); a failure is logged
   * and the next use tries again.
   */
  redigestLater(secret: string, match: PepperedMatch<unknown>, update: (digest: string, pepperId: string) => Promise<unknown>): void {
    if (this.isCurrent(match.pepper)) return;
    const digest = this.digest(secret);
    // Concurrent uses of the same secret make one UPDATE.
    if (this.pending.has(digest)) return;
    const pending = update(digest, this.current.id)
      .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'moving a token digest to the current pepper failed'))
      .finally(() => this.pending.delete(digest));
    this.pending.set(digest, pending);
  }

  /** Waits for the re-digests under way (shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }

  private readonly pending = new Map<string, Promise<unknown>>();
}

/**
 * The configured peppers, or null when the embedded SQLite default may generate one; throws the
 * ConfigError of a deployment that must configure them. Reads nothing from disk.
 */
export function configuredPeppers(config: AppConfig): TokenPepper[] | null {
  if (config.tokenPeppers && config.tokenPepper) throw new ConfigError('TESSERA_TOKEN_PEPPERS', 'set either TESSERA_TOKEN_PEPPERS or TESSERA_TOKEN_PEPPER, not both');
  if (config.tokenPeppers) return config.tokenPeppers;
  if (config.tokenPepper) return [{ id: DEFAULT_PEPPER_ID, secret: config.tokenPepper }];
  if (config.nodeEnv === 'production') {
    throw new ConfigError('TESSERA_TOKEN_PEPPER', 'is required when NODE_ENV=production (or TESSERA_TOKEN_PEPPERS)');
  }
  if (isMysqlUrl(config.databaseUrl)) {
    throw new ConfigError('TESSERA_TOKEN_PEPPER', 'is required with a MySQL DATABASE_URL (all instances must share it; or TESSERA_TOKEN_PEPPERS)');
  }
  return null;
}

/**
 * The server-side keys for token digests. Production and MySQL deployments must set
 * TESSERA_TOKEN_PEPPERS or TESSERA_TOKEN_PEPPER (every instance needs the same); the embedded
 * SQLite default keeps a generated pepper beside its database file so a fresh `npm start` works.
 */
export function resolveTokenPeppers(config: AppConfig): PepperRing {
  return new PepperRing(configuredPeppers(config) ?? [{ id: DEFAULT_PEPPER_ID, secret: generatedPepper(config.databaseUrl) }]);
}

function generatedPepper(databaseUrl: string): string {
  if (databaseUrl === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(dirname(databaseUrl), 'tessera.pepper');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  writeFileSync(file, `${pepper}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return pepper;
}
