import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Tessera secrets look like `<prefix>_<random>_<checksum>`:
 * - prefix: readable, one per kind of secret, so secret scanners can find leaked ones;
 * - random: 30 base62 characters from 24 random bytes (192 bits);
 * - checksum: CRC32 of `<prefix>_<random>` in 6 base62 characters, so a mistyped or truncated
 *   secret is refused without a database lookup.
 * Only `hashSecret` (HMAC-SHA-256 with the server pepper) is ever stored.
 */
export const SECRET_PREFIXES = {
  session: 'tsess',
  personalAccessToken: 'tspat',
  organizationAccessToken: 'tsoat',
  groupAccessToken: 'tsgat',
  projectAccessToken: 'tsprt',
  exposeToken: 'tsexp',
  clientAccessToken: 'tscat',
  refreshToken: 'tsrft',
  oauthClientSecret: 'tscls',
} as const;

export type SecretPrefix = (typeof SECRET_PREFIXES)[keyof typeof SECRET_PREFIXES];

const KNOWN_PREFIXES = new Set<string>(Object.values(SECRET_PREFIXES));
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const SECRET_PATTERN = /^([a-z]{5})_([0-9A-Za-z]{30})_([0-9A-Za-z]{6})$/;

function base62(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = BASE62[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out;
}

// Plain number arithmetic: a CRC32 fits in 32 bits, and this runs on every authenticated request.
function checksum(body: string): string {
  let rest = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i += 1) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** Creates a new secret with the given prefix. */
export function generateSecret(prefix: SecretPrefix): string {
  const random = base62(BigInt(`0x${randomBytes(24).toString('hex')}`), RANDOM_LENGTH);
  const body = `${prefix}_${random}`;
  return `${body}_${checksum(body)}`;
}

/** The prefix of a well-formed secret whose checksum matches, or null: no I/O involved. */
export function parseSecret(secret: string): SecretPrefix | null {
  const match = SECRET_PATTERN.exec(secret);
  if (!match || !KNOWN_PREFIXES.has(match[1])) return null;
  // A plain comparison: the checksum is a CRC of the visible body, no secret to time.
  if (checksum(secret.slice(0, secret.length - CHECKSUM_LENGTH - 1)) !== match[3]) return null;
  return match[1] as SecretPrefix;
}

/** The keyed hash stored in place of a secret (64 hex characters). */
export function hashSecret(secret: string, pepper: string): string {
  return createHmac('sha256', pepper).update(secret).digest('hex');
}

/** What may be shown of a secret after creation: its prefix and the last four random characters. */
export function secretHint(secret: string): string {
  const [prefix, random] = secret.split('_');
  return `${prefix}_…${random.slice(-4)}`;
}
