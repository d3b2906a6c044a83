import { SECRET_PREFIXES, generateSecret, hashSecret, parseSecret, secretHint } from '../../src/core/secrets/secret-format';

describe('secret format', () => {
  it('generates <prefix>_<30 base62>_<6 base62> secrets that parse back to their prefix', () => {
    const secret = generateSecret(SECRET_PREFIXES.personalAccessToken);
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/);
    expect(parseSecret(secret)).toBe('tspat');
  });

  it('carries at least 160 bits of randomness (no repeats over 10,000 draws)', () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => generateSecret(SECRET_PREFIXES.session)));
    expect(seen.size).toBe(10_000);
    expect(Math.log2(62) * 30).toBeGreaterThanOrEqual(160);
  });

  it.each([
    ['a changed random character', (s: string) => s.slice(0, 10) + (s[10] === 'a' ? 'b' : 'a') + s.slice(11)],
    ['a changed checksum', (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0')],
    ['an unknown prefix', (s: string) => `xxxxx${s.slice(5)}`],
    ['a truncated secret', (s: string) => s.slice(0, -2)],
    ['surrounding text', (s: string) => `${s} `],
  ])('refuses %s', (_name, mangle) => {
    const secret = generateSecret(SECRET_PREFIXES.groupAccessToken);
    expect(parseSecret(mangle(secret))).toBeNull();
  });

  it('hashes with the pepper: same secret and pepper give the same hash, another pepper another', () => {
    const secret = generateSecret(SECRET_PREFIXES.session);
    expect(hashSecret(secret, 'pepper-a')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(secret, 'pepper-a')).toBe(hashSecret(secret, 'pepper-a'));
    expect(hashSecret(secret, 'pepper-b')).not.toBe(hashSecret(secret, 'pepper-a'));
  });

  it('hints show the prefix and the last four random characters only', () => {
    const secret = generateSecret(SECRET_PREFIXES.projectAccessToken);
    const random = secret.split('_')[1];
    expect(secretHint(secret)).toBe(`tsprt_…${random.slice(-4)}`);
  });
});
