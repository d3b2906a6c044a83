import { LRUCache } from 'lru-cache';
import { TokenLookup, TokenRecord } from './token-lookup';

/** A digest no token has: remembered briefly, so repeated unknown secrets do not each cost a query. */
const UNKNOWN = Symbol('unknown token');
const UNKNOWN_TTL_MS = 1000;
/** The share of the TTL by which a row's own TTL may be shorter (never longer). */
const TTL_JITTER = 0.2;
type Entry = TokenRecord | typeof UNKNOWN;

/** Tokens and owners whose cached rows no longer hold (see token-revocations.ts). */
export interface RevokedSubjects {
  tokenIds?: readonly string[];
  ownerIds?: readonly string[];
}

export interface VerifiedTokenCacheOptions {
  /** Entries kept at most (least recently used go first); 0 turns the cache off. */
  maxEntries: number;
  /** How long a row is trusted without being read again, whatever else happens: the bound on staleness if every invalidation were lost. */
  ttlMs: number;
  /** The clock row ages are read from (monotonic milliseconds); `performance` by default. */
  clock?: { now(): number };
}

/**
 * The token rows authentication and introspection read, by keyed digest, kept in this process.
 * A cached row is the row as read: whether it is active (revocation, the token's and its owner's
 * expiry) is decided again on every read by the caller (`isActiveRecord`), so expiry needs no
 * invalidation. Changes that do change a row reach it through `invalidate` (token-revocations.ts).
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, Entry> | null;
  private readonly byToken = new Map<string, string>();
  private readonly byOwner = new Map<string, Set<string>>();
  /**
   * Bumped by every invalidation. A lookup that started before one may have read the row as it
   * was before the change committed: its result is returned but not kept.
   */
  private generation = 0;
  /**
   * Until when cached rows may answer: extended by every revocation poll that succeeds. When polls
   * stop succeeding (a stalled or unreachable database), the cache stops answering too, so a
   * revocation it cannot hear about is not ignored and authentication fails closed with the database.
   */
  private trustedUntil = 0;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.entries =
      options.maxEntries > 0
        ? new LRUCache<string, Entry>({ max: options.maxEntries, ttl: options.ttlMs, perf: options.clock, dispose: (entry, hash) => this.unindex(entry, hash) })
        : null;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** `lookup` with the cache in front: only digests not cached (or whose entry expired) are queried. */
  wrap(lookup: TokenLookup): TokenLookup {
    const entries = this.entries;
    if (!entries) return lookup;
    return async (hashes) => {
      if (Date.now() > this.trustedUntil) return lookup(hashes);
      const found: TokenRecord[] = [];
      const missing: string[] = [];
      for (const hash of hashes) {
        const entry = entries.get(hash);
        if (entry === undefined) missing.push(hash);
        else if (entry !== UNKNOWN) found.push(entry);
      }
      if (missing.length === 0) return found;
      const generation = this.generation;
      const read = await lookup(missing);
      if (generation === this.generation) this.keep(missing, read);
      return found.concat(read);
    };
  }

  /** Lets cached rows answer until `until` (ms since the epoch); called after each successful revocation poll. */
  trustUntil(until: number): void {
    this.trustedUntil = Math.max(this.trustedUntil, until);
  }

  /** Drops the rows of these tokens and of every token of these owners. */
  invalidate(subjects: RevokedSubjects): void {
    this.generation += 1;
    if (!this.entries) return;
    for (const id of subjects.tokenIds ?? []) {
      const hash = this.byToken.get(id);
      if (hash !== undefined) this.entries.delete(hash);
    }
    for (const id of subjects.ownerIds ?? []) {
      for (const hash of [...(this.byOwner.get(id) ?? [])]) this.entries.delete(hash);
    }
  }

  private keep(hashes: string[], records: TokenRecord[]): void {
    const entries = this.entries!;
    for (const record of records) {
      // Each row gets 80-100 % of the TTL: rows read together (a warm-up, a burst of new tokens) would
      // otherwise expire together and be read again all at once, a latency spike every TTL.
      entries.set(record.tokenHash, record, { ttl: Math.ceil(this.options.ttlMs * (1 - TTL_JITTER * Math.random())) });
      this.byToken.set(record.id, record.tokenHash);
      let owned = this.byOwner.get(record.owner.id);
      if (!owned) this.byOwner.set(record.owner.id, (owned = new Set()));
      owned.add(record.tokenHash);
    }
    const known = new Set(records.map((record) => record.tokenHash));
    for (const hash of hashes) if (!known.has(hash)) entries.set(hash, UNKNOWN, { ttl: Math.min(UNKNOWN_TTL_MS, this.options.ttlMs) });
  }

  private unindex(entry: Entry, hash: string): void {
    if (entry === UNKNOWN) return;
    if (this.byToken.get(entry.id) === hash) this.byToken.delete(entry.id);
    const owned = this.byOwner.get(entry.owner.id);
    owned?.delete(hash);
    if (owned?.size === 0) this.byOwner.delete(entry.owner.id);
  }
}
