import { VerifiedTokenCache } from '../../src/modules/access-token/verified-token.cache';
import { TokenRecord } from '../../src/modules/access-token/token-lookup';

describe('the verified-token cache', () => {
  // lru-cache reads its clock at most once per millisecond (ttlResolution): let that pass between steps.
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('spreads the expiry of rows read together over the last fifth of the TTL, and keeps none past it', async () => {
    const clock = { time: 0, now: () => clock.time };
    const cache = new VerifiedTokenCache({ maxEntries: 1000, ttlMs: 1000, clock });
    cache.trustUntil(Number.MAX_SAFE_INTEGER);
    let queried = 0;
    const lookup = cache.wrap(async (hashes) => {
      queried += hashes.length;
      return hashes.map((hash) => ({ id: `id-${hash}`, tokenHash: hash, owner: { id: 'owner' } }) as TokenRecord);
    });
    const hashes = Array.from({ length: 500 }, (_, i) => `hash-${i}`);
    // lru-cache takes a start time of 0 for "no TTL": the clock starts later.
    const missesAt = async (time: number) => {
      clock.time = 10_000 + time;
      await tick();
      const before = queried;
      expect(await lookup(hashes)).toHaveLength(hashes.length);
      return queried - before;
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
});
