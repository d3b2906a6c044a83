import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

const HKDF_INFO = 'tessera refresh-token reuse grace v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The successor pair a replay within the grace period answers. */
export interface SealedPair {
  accessToken: string;
  refreshToken: string;
}

/**
 * Seals a spent refresh token's successor pair for the reuse grace period: AES-256-GCM under a key
 * derived (HKDF-SHA-256) from the token pepper with the spent refresh token's own secret as salt,
 * the row id as associated data. So the database and the pepper together still cannot open it: only
 * whoever presents that spent token again, to this row, within the window.
 */
export class RefreshGrace {
  constructor(
    private readonly pepper: string,
    /** TESSERA_REFRESH_REUSE_GRACE_SECONDS; 0 seals nothing. */
    readonly seconds: number,
  ) {}

  seal(spentSecret: string, rowId: string, pair: SealedPair): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(spentSecret), iv).setAAD(Buffer.from(rowId));
    const sealed = Buffer.concat([cipher.update(`${pair.accessToken} ${pair.refreshToken}`, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  /** The pair, or null when it does not open (another pepper, another row, tampered). */
  open(spentSecret: string, rowId: string, sealed: string): SealedPair | null {
    const raw = Buffer.from(sealed, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.keyFor(spentSecret), raw.subarray(0, IV_BYTES)).setAAD(Buffer.from(rowId));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const [accessToken, refreshToken] = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8').split(' ');
      return accessToken && refreshToken ? { accessToken, refreshToken } : null;
    } catch {
      return null;
    }
  }

  /** Wipes every sealed pair whose grace period has passed (idempotent, so any instance may run it). */
  async wipeExpired(manager: EntityManager, now = new Date()): Promise<void> {
    await manager.update(RefreshTokenEntity, { graceUntil: LessThanOrEqual(now) }, { graceUntil: null, graceSealed: null });
  }

  private keyFor(spentSecret: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.pepper, spentSecret, HKDF_INFO, 32));
  }
}
