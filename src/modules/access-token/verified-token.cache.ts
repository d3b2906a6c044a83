import { LRUCache } from 'lru-cache';
import { logger } from '../../core/logging/logger';
import { TokenLookup, TokenRecord } from './token-lookup';

/** A digest no token has: remembered briefly, so repeated unknown secrets do not each cost a query. */
const UNKNOWN = Symbol('unknown token');
const UNKNOWN_TTL_MS = 1000;
/** The share of the TTL by which a row's own TTL may be shorter (never longer). */
const TTL_JITTER = 0.2;
/** A row read again past this share of the TTL is re-read in the background, before it expires. */
const REFRESH_AFTER = 0.5;
/** How long rows due for a re-read are gathered, so the hot set is re-read in a few queries rather than one per row. */
const REFRESH_DELAY_MS = 50;
/** Digests per background re-read, and the query sizes used (padded up to a power of two: few prepared statements). */
const REFRESH_BATCH = 128;
/** The next power of two: background re-reads use a handful of query sizes. */
const paddedSize = (count: number): number => 2 ** Math.ceil(Math.log2(count));

interface KeptRow {
  record: TokenRecord;
  /** When (on the cache's clock) a read of this row asks for it to be re-read. */
  refreshAt: number;
}
type Entry = KeptRow | typeof UNKNOWN;

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
 * A row still in use past half its TTL is re-read in the background, in batches, while it keeps
 * answering: a token in steady use never waits for the database, and the hot set costs a few
 * queries per TTL instead of one per row. The TTL stays the hard bound on a row's age.
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
  private readonly clock: { now(): number };
  /** Digests of rows read past their refresh time, waiting for the next background re-read. */
  private readonly due = new Set<string>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> = Promise.resolve();
  /** The database lookup `wrap` put the cache in front of: misses and background re-reads read through it. */
  private source: TokenLookup | null = null;
  /**
   * Reads of missing digests under way, and the generation each started in: a lookup of the same
   * digest waits for that read instead of making its own (a hot token that expires, or a new
   * instance taking traffic, costs one query, not one per concurrent request). Only a read started
   * since the last invalidation is joined: one started before may return the row as it was before
   * the change.
   */
  private readonly inFlight = new Map<string, { generation: number; read: Promise<TokenRecord[]> }>();
  /**
   * What the cache did with each digest looked up, since start: answered it (`hit`, a known unknown
   * included), read it (`miss`), waited for a read of it already under way (`joined`), or read it
   * because it could not vouch for its rows (`untrusted`: revocation polls behind).
   */
  readonly lookups = { hit: 0, miss: 0, joined: 0, untrusted: 0 };
  /** Rows re-read in the background, since start. */
  rereads = 0;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.clock = options.clock ?? performance;
    this.entries =
      options.maxEntries > 0
        ? new LRUCache<string, Entry>({ max: options.maxEntries, ttl: options.ttlMs, perf: options.clock, dispose: (entry, hash) => this.unindex(entry, hash) })
        : null;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** Whether cached rows may answer now: a revocation poll succeeded recently (see `trustUntil`). */
  get trusted(): boolean {
    return this.entries !== null && Date.now() <= this.trustedUntil;
  }

  /** `lookup` with the cache in front: only digests not cached (or whose entry expired) are queried. */
  wrap(lookup: TokenLookup): TokenLookup {
    const entries = this.entries;
    if (!entries) return lookup;
    this.source = lookup;
    return async (hashes) => {
      if (!this.trusted) {
        this.lookups.untrusted += hashes.length;
        return lookup(hashes);
      }
      const found: TokenRecord[] = [];
      const missing: string[] = [];
      const now = this.clock.now();
      for (const hash of hashes) {
        const entry = entries.get(hash);
        if (entry === undefined) missing.push(hash);
        else if (entry !== UNKNOWN) {
          found.push(entry.record);
          if (now >= entry.refreshAt) this.refreshLater(hash);
        }
      }
      this.lookups.hit += hashes.length - missing.length;
      if (missing.length === 0) return found;
      return found.concat(await this.readMissing(missing));
    };
  }

  /** The rows of these uncached digests: joins the reads under way for some (see `inFlight`), one new read for the rest. */
  private async readMissing(missing: string[]): Promise<TokenRecord[]> {
    const reads: Promise<TokenRecord[]>[] = [];
    const unread: string[] = [];
    for (const hash of missing) {
      const flight = this.inFlight.get(hash);
      if (flight?.generation === this.generation) {
        if (!reads.includes(flight.read)) reads.push(flight.read);
      } else unread.push(hash);
    }
    this.lookups.joined += missing.length - unread.length;
    this.lookups.miss += unread.length;
    if (unread.length > 0) {
      const flight = { generation: this.generation, read: this.readAndKeep(unread, unread) };
      for (const hash of unread) this.inFlight.set(hash, flight);
      const settled = () => {
        for (const hash of unread) if (this.inFlight.get(hash) === flight) this.inFlight.delete(hash);
      };
      flight.read.then(settled, settled);
      reads.push(flight.read);
    }
    const wanted = new Set(missing);
    return (await Promise.all(reads)).flat().filter((record) => wanted.delete(record.tokenHash));
  }

  /** Cancels the next background re-read and waits for one under way (shutdown, before the pool closes). */
  async stop(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.due.clear();
    await this.refreshing;
  }

  /** Runs the background re-read that is waiting, if any, and waits for it (like the usage flush: tests settle background reads before counting statements). */
  async drain(): Promise<void> {
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
      this.startRefresh();
    }
    await this.refreshing;
  }

  private refreshLater(hash: string): void {
    this.due.add(hash);
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => this.startRefresh(), REFRESH_DELAY_MS);
    this.refreshTimer.unref();
  }

  private startRefresh(): void {
    this.refreshTimer = null;
    // One re-read at a time: rows falling due meanwhile wait for the next.
    this.refreshing = this.refreshing.then(() => this.refresh()).catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'token cache refresh failed'));
  }

  /** Re-reads the due rows in batches; a row that fails to be re-read keeps answering until its TTL ends, then is read on use. */
  private async refresh(): Promise<void> {
    const hashes = [...this.due];
    this.due.clear();
    for (let start = 0; start < hashes.length; start += REFRESH_BATCH) {
      const batch = hashes.slice(start, start + REFRESH_BATCH);
      this.rereads += batch.length;
      await this.readAndKeep(batch, batch.concat(Array(paddedSize(batch.length) - batch.length).fill(batch[batch.length - 1])));
    }
  }

  /**
   * Reads `query` (the digests `hashes`, perhaps padded) and keeps the rows of `hashes`, unless an
   * invalidation came meanwhile: the read may then predate the change, so it is returned, not kept.
   */
  private async readAndKeep(hashes: string[], query: string[]): Promise<TokenRecord[]> {
    const generation = this.generation;
    const read = await this.source!(query);
    if (generation === this.generation) this.keep(hashes, read);
    return read;
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
      entries.set(
        record.tokenHash,
        { record, refreshAt: this.clock.now() + this.options.ttlMs * REFRESH_AFTER },
        { ttl: Math.ceil(this.options.ttlMs * (1 - TTL_JITTER * Math.random())) },
      );
      this.byToken.set(record.id, record.tokenHash);
      let owned = this.byOwner.get(record.owner.id);
      if (!owned) this.byOwner.set(record.owner.id, (owned = new Set()));
      owned.add(record.tokenHash);
    }
    const known = new Set(records.map((record) => record.tokenHash));
    for (const hash of hashes) if (!known.has(hash)) entries.set(hash, UNKNOWN, { ttl: Math.min(UNKNOWN_TTL_MS, this.options.ttlMs) });
  }

  private unindex(kept: Entry, hash: string): void {
    if (kept === UNKNOWN) return;
    const entry = kept.record;
    if (this.byToken.get(entry.id) === hash) this.byToken.delete(entry.id);
    const owned = this.byOwner.get(entry.owner.id);
    owned?.delete(hash);
    if (owned?.size === 0) this.byOwner.delete(entry.owner.id);
  }
}
