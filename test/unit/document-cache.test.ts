import { parse } from 'graphql';
import { DocumentCache } from '../../src/core/graphql/document-cache';

describe("DocumentCache, Apollo's parsed-document store bounded by entries", () => {
  const document = (i: number) => parse(`query Q${i} { __typename }`);

  it('keeps at most its number of entries, however small or large the documents', async () => {
    const cache = new DocumentCache(3, 10_000);
    for (let i = 0; i < 10; i += 1) await cache.set(`k${i}`, document(i));
    expect(cache.size).toBe(3);
    expect(await cache.get('k6')).toBeUndefined();
    expect(await cache.get('k9')).toEqual(document(9));
  });

  it('evicts the least recently used entry first', async () => {
    const cache = new DocumentCache(2, 10_000);
    await cache.set('a', document(1));
    await cache.set('b', document(2));
    await cache.get('a');
    await cache.set('c', document(3));
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.delete('c')).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('also keeps the query texts within its character budget, evicting the oldest documents for a large one', async () => {
    const cache = new DocumentCache(100, 100);
    for (let i = 0; i < 4; i += 1) await cache.set(`k${i}`, parse(`query Q${i} { __typename }`));
    expect(cache.characters).toBe(4 * 'query Q0 { __typename }'.length);
    const large = parse(`query Large { ${'__typename '.repeat(5)}}`);
    await cache.set('large', large);
    expect(cache.characters).toBeLessThanOrEqual(100);
    expect(await cache.get('k0')).toBeUndefined();
    expect(await cache.get('large')).toBe(large);
    await cache.set('huge', parse(`query Huge { ${'__typename '.repeat(20)}}`));
    expect(await cache.get('huge')).toBeUndefined();
  });
});
