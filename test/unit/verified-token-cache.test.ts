import fc from 'fast-check';
import { VerifiedTokenCache } from '../../src/modules/access-token/verified-token.cache';
import { TokenLookup, TokenRecord } from '../../src/modules/access-token/token-lookup';

// lru-cache reads its clock at most once per millisecond (ttlResolution): let that pass between steps.
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than the cache's gathering of rows due for a background re-read (50 ms). */
const REFRESH_WAIT_MS = 120;

const rowOf = (hash: string) => ({ id: `id-${hash}`, tokenHash: hash, owner: { id: 'owner' } }) as TokenRecord;

/** A cache with a hand-set clock (lru-cache takes a start time of 0 for "no TTL": the clock starts later) and a lookup that records its queries. */
function cacheWithClock(ttlMs: number, answer: TokenLookup = async (hashes) => hashes.map(rowOf)) {
  const clock = { time: 10_000, now: () => clock.time };
  const cache = new VerifiedTokenCache({ maxEntries: 1000, ttlMs, clock });
  cache.trustUntil(Number.MAX_SAFE_INTEGER);
  const queries: string[][] = [];
  const lookup = cache.wrap(async (hashes) => {
    queries.push(hashes);
    return answer(hashes);
  });
  return { clock, cache, queries, lookup };
}

describe('the verified-token cache', () => {
  it('spreads the expiry of rows read together over the last fifth of the TTL, and keeps none past it', async () => {
    const { clock, cache, queries, lookup } = cacheWithClock(1000);
    const hashes = Array.from({ length: 500 }, (_, i) => `hash-${i}`);
    const missesAt = async (time: number) => {
      clock.time = 10_000 + time;
      await tick();
      const before = queries.flat().length;
      expect(await lookup(hashes)).toHaveLength(hashes.length);
      // Only the reads on use are counted here: the background re-read these reads ask for is cancelled.
      await cache.stop();
      return queries.flat().length - before;
    };

    expect(await missesAt(0)).toBe(500);
    expect(await missesAt(799)).toBe(0);
    // Half-way through the window about half have expired (each read again, with a TTL from now)…
    const expiredEarly = await missesAt(900);
    expect(expiredEarly).toBeGreaterThan(100);
    expect(expiredEarly).toBeLessThan(400);
    // …and at the TTL, every row of the first read has.
    expect(await missesAt(1001)).toBe(500 - expiredEarly);
  });

  it('re-reads rows in use past half their TTL in the background, in one query, while they keep answering', async () => {
    const { clock, cache, queries, lookup } = cacheWithClock(1000);
    const hashes = ['a', 'b', 'c'];
    await lookup(hashes);
    expect(queries).toEqual([hashes]);

    clock.time += 499;
    await tick();
    expect(await lookup(hashes)).toHaveLength(3);
    await tick(REFRESH_WAIT_MS);
    expect(queries).toHaveLength(1);

    clock.time += 1;
    await tick();
    expect((await lookup(hashes)).map((row) => row.tokenHash)).toEqual(hashes);
    expect(queries).toHaveLength(1);
    await tick(REFRESH_WAIT_MS);
    // One query for the three, padded to a power of two (a few statement shapes, not one per count).
    expect(queries).toEqual([hashes, ['a', 'b', 'c', 'c']]);
    expect(cache.lookups).toEqual(expect.objectContaining({ miss: 3, hit: 6 }));
    expect(cache.rereads).toBe(3);

    // Past the first read's TTL, the re-read rows still answer: their TTL started at the re-read.
    clock.time += 600;
    await tick();
    expect(await lookup(hashes)).toHaveLength(3);
    expect(queries).toHaveLength(2);
    await cache.stop();
  });

  it('runs a waiting background re-read at once when drained, so a count of statements that follows is not disturbed', async () => {
    const { clock, cache, queries, lookup } = cacheWithClock(1000);
    await lookup(['a']);
    clock.time += 600;
    await tick();
    await lookup(['a']);
    expect(queries).toHaveLength(1);
    await cache.drain();
    expect(queries).toEqual([['a'], ['a']]);
    // Nothing is left waiting: the re-read row answers without another query.
    await tick(REFRESH_WAIT_MS);
    expect(await lookup(['a'])).toHaveLength(1);
    expect(queries).toHaveLength(2);
    await cache.stop();
  });

  it('does not keep a background re-read that raced an invalidation, and a row not read again is not re-read', async () => {
    let release: () => void = () => undefined;
    let blocked = false;
    const { clock, cache, queries, lookup } = cacheWithClock(1000, async (hashes) => {
      if (blocked) await new Promise<void>((resolve) => (release = resolve));
      return hashes.map(rowOf);
    });
    await lookup(['a', 'b']);
    clock.time += 600;
    await tick();
    blocked = true;
    await lookup(['a']);
    await tick(REFRESH_WAIT_MS);
    expect(queries).toEqual([['a', 'b'], ['a']]);
    // The token is revoked while its row is being read again: what that read saw may predate the revocation.
    cache.invalidate({ tokenIds: ['id-a'] });
    release();
    blocked = false;
    await tick();
    await lookup(['a']);
    expect(queries).toEqual([['a', 'b'], ['a'], ['a']]);
    await cache.stop();
  });

  it('makes one query for concurrent lookups of the same missing digests, each answered with its own rows', async () => {
    const releases: Array<() => void> = [];
    const release = () => releases.splice(0).forEach((resolve) => resolve());
    const { cache, queries, lookup } = cacheWithClock(1000, async (hashes) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return hashes.filter((hash) => hash !== 'unknown').map(rowOf);
    });
    const first = lookup(['a', 'unknown']);
    const second = lookup(['a']);
    const third = lookup(['unknown', 'a']);
    await tick();
    expect(queries).toEqual([['a', 'unknown']]);
    release();
    expect((await first).map((row) => row.tokenHash)).toEqual(['a']);
    expect((await second).map((row) => row.tokenHash)).toEqual(['a']);
    expect((await third).map((row) => row.tokenHash)).toEqual(['a']);
    expect(cache.lookups).toEqual(expect.objectContaining({ miss: 2, joined: 3, hit: 0 }));
    // A digest partly under way: only the other one is read.
    const fourth = lookup(['b']);
    const fifth = lookup(['b', 'c']);
    await tick();
    expect(queries).toEqual([['a', 'unknown'], ['b'], ['c']]);
    release();
    expect((await fourth).map((row) => row.tokenHash)).toEqual(['b']);
    expect((await fifth).map((row) => row.tokenHash).sort()).toEqual(['b', 'c']);
    await cache.stop();
  });

  it('does not let a lookup that follows an invalidation join a read that started before it', async () => {
    const releases: Array<() => void> = [];
    const { cache, queries, lookup } = cacheWithClock(1000, async (hashes) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return hashes.map(rowOf);
    });
    const before = lookup(['a']);
    await tick();
    // The token is revoked while its row is being read: that read may return the row as it was.
    cache.invalidate({ tokenIds: ['id-a'] });
    const after = lookup(['a']);
    await tick();
    expect(queries).toEqual([['a'], ['a']]);
    releases.forEach((release) => release());
    await Promise.all([before, after]);
    await cache.stop();
  });

  it('fails every lookup that waited for a failed read, and reads again on the next one', async () => {
    let fail = true;
    let release: () => void = () => undefined;
    const { cache, queries, lookup } = cacheWithClock(1000, async (hashes) => {
      await new Promise<void>((resolve) => (release = resolve));
      if (fail) throw new Error('connection lost');
      return hashes.map(rowOf);
    });
    const first = lookup(['a']);
    const second = lookup(['a']);
    await tick();
    release();
    await expect(first).rejects.toThrow('connection lost');
    await expect(second).rejects.toThrow('connection lost');
    fail = false;
    const third = lookup(['a']);
    await tick();
    release();
    expect(await third).toHaveLength(1);
    expect(queries).toEqual([['a'], ['a']]);
    await cache.stop();
  });

  it('reads every digest from the database while no revocation poll vouches for the cache, and counts them', async () => {
    const cache = new VerifiedTokenCache({ maxEntries: 10, ttlMs: 1000 });
    const queries: string[][] = [];
    const lookup = cache.wrap(async (hashes) => {
      queries.push(hashes);
      return hashes.map(rowOf);
    });
    expect(cache.trusted).toBe(false);
    await lookup(['a']);
    await lookup(['a']);
    expect(queries).toEqual([['a'], ['a']]);
    expect(cache.lookups).toEqual({ hit: 0, miss: 0, joined: 0, untrusted: 2 });
    cache.trustUntil(Date.now() + 60_000);
    expect(cache.trusted).toBe(true);
    await lookup(['a']);
    await lookup(['a']);
    expect(queries).toHaveLength(3);
    expect(cache.lookups).toEqual({ hit: 1, miss: 1, joined: 0, untrusted: 2 });
    await cache.stop();
  });

  it('never answers a lookup with a row older than the last invalidation before it began, whatever the interleaving of reads, revocations, re-reads and ageing', async () => {
    const HASHES = ['a', 'b', 'c'];
    const action = fc.oneof(
      fc.record({ kind: fc.constant('lookup' as const), hashes: fc.subarray(HASHES, { minLength: 1 }) }),
      fc.record({ kind: fc.constant('revoke' as const), hash: fc.constantFrom(...HASHES) }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('reread' as const) }),
      fc.record({ kind: fc.constant('age' as const), ms: fc.integer({ min: 100, max: 1200 }) }),
    );
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), async (actions) => {
        // The database: each revocation gives the row a new version; a read sees the rows as they were when it was sent (the worst case).
        const versions = new Map(HASHES.map((hash) => [hash, 0]));
        const unanswered: Array<() => void> = [];
        const clock = { time: 10_000, now: () => clock.time };
        const cache = new VerifiedTokenCache({ maxEntries: 100, ttlMs: 1000, clock });
        cache.trustUntil(Number.MAX_SAFE_INTEGER);
        const lookup = cache.wrap((hashes) => {
          const rows = [...new Set(hashes)].map((hash) => ({ ...rowOf(hash), scopeList: String(versions.get(hash)) }));
          return new Promise((resolve) => unanswered.push(() => resolve(rows)));
        });
        const answers: Array<Promise<void>> = [];
        for (const step of actions) {
          if (step.kind === 'lookup') {
            const floors = new Map(step.hashes.map((hash) => [hash, versions.get(hash)!]));
            answers.push(
              lookup(step.hashes).then((rows) => {
                expect(rows.map((row) => row.tokenHash).sort()).toEqual([...step.hashes].sort());
                for (const row of rows) expect(Number(row.scopeList)).toBeGreaterThanOrEqual(floors.get(row.tokenHash)!);
              }),
            );
          } else if (step.kind === 'revoke') {
            // As a revocation does: the change commits, then this instance drops the entries.
            versions.set(step.hash, versions.get(step.hash)! + 1);
            cache.invalidate({ tokenIds: [`id-${step.hash}`] });
          } else if (step.kind === 'release') {
            if (unanswered.length) unanswered.splice(step.pick % unanswered.length, 1)[0]();
          } else if (step.kind === 'reread') {
            void cache.drain();
          } else {
            clock.time += step.ms;
            await tick(2);
          }
          await settle();
        }
        while (unanswered.length) {
          unanswered.shift()!();
          await settle();
        }
        await Promise.all(answers);
        await cache.stop();
      }),
      { numRuns: 150 },
    );
  });
});
