import { EntityManager, LessThanOrEqual } from 'typeorm';
import { PepperRing } from '../../core/secrets/pepper';
import { deriveKey, open, seal } from '../../core/secrets/sealed-box';
import { RefreshTokenEntity } from './refresh-token.entity';

const HKDF_INFO = 'tessera refresh-token reuse grace v1';

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
    private readonly peppers: PepperRing,
    /** TESSERA_REFRESH_REUSE_GRACE_SECONDS; 0 seals nothing. */
    readonly seconds: number,
  ) {}

  seal(spentSecret: string, rowId: string, pair: SealedPair): string {
    return seal(this.keyFor(this.peppers.current.secret, spentSecret), `${pair.accessToken} ${pair.refreshToken}`, rowId);
  }

  /** The pair, or null when it does not open (a pepper no longer in the ring, another row, tampered). Sealed under the current pepper or, across a rotation, a previous one. */
  open(spentSecret: string, rowId: string, sealed: string): SealedPair | null {
    for (const pepper of this.peppers.peppers) {
      const pair = this.openWith(pepper.secret, spentSecret, rowId, sealed);
      if (pair) return pair;
    }
    return null;
  }

  private openWith(pepper: string, spentSecret: string, rowId: string, sealed: string): SealedPair | null {
    const [accessToken, refreshToken] = open(this.keyFor(pepper, spentSecret), sealed, rowId)?.split(' ') ?? [];
    return accessToken && refreshToken ? { accessToken, refreshToken } : null;
  }

  /** Wipes every sealed pair whose grace period has passed (idempotent, so any instance may run it). */
  async wipeExpired(manager: EntityManager, now = new Date()): Promise<void> {
    await manager.update(RefreshTokenEntity, { graceUntil: LessThanOrEqual(now) }, { graceUntil: null, graceSealed: null });
  }

  private keyFor(pepper: string, spentSecret: string): Buffer {
    return deriveKey(pepper, spentSecret, HKDF_INFO);
  }
}
