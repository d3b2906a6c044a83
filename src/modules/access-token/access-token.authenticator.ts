import { Caller } from '../../core/context/request-context';
import { addressAllowed } from '../../core/http/address-ranges';
import { PepperRing } from '../../core/secrets/pepper';
import { LastUsedTracker } from '../token-usage/last-used.tracker';
import { TokenUsageOutcome } from '../token-usage/token-usage.entity';
import { UsageRecorder } from '../token-usage/usage.recorder';
import { UserEntity } from '../user/user.entity';
import { tokenScopes } from './access-token.entity';
import { accessTokenStatus, isWorkingStatus } from './access-token.status';
import { TokenLookup, TokenRecord, TokenRedigest } from './token-lookup';

/** Whether a looked-up token works now (the one status rule, applied to the lookup row): ACTIVE, or ROTATING until its overlap ends. */
export const isActiveRecord = (record: TokenRecord, now = new Date()): boolean =>
  isWorkingStatus(accessTokenStatus(record, record.owner, now));

/** The caller a looked-up token acts as. */
export function callerOf(record: TokenRecord): Caller {
  return { user: Object.assign(new UserEntity(), record.owner), sessionId: null, accessTokenId: record.id, scopes: tokenScopes(record) };
}

/**
 * Bearer authentication with access tokens: one point lookup by keyed hash (and one more per
 * previous pepper, on a miss only), the status rule, the address allowlist, and a last-used mark
 * that never delays the response.
 */
export class AccessTokenAuthenticator {
  constructor(
    private readonly peppers: PepperRing,
    private readonly lookup: TokenLookup,
    private readonly lastUsed: LastUsedTracker,
    private readonly usage: UsageRecorder,
    private readonly redigest: TokenRedigest,
  ) {}

  /**
   * The token rows of these secrets, whatever their status, keyed by secret: one round trip under
   * the current pepper, one more per previous pepper for the secrets not found yet. The one place
   * access-token digests are looked up.
   */
  async find(secrets: string[]): Promise<Map<string, TokenRecord>> {
    const found = new Map<string, TokenRecord>();
    for (const [secret, match] of await this.peppers.findMany(secrets, this.lookup, (record) => record.tokenHash)) {
      found.set(secret, match.record);
      // A token that works moves to the current pepper; one that does not is left as it is.
      if (isActiveRecord(match.record)) this.peppers.redigestLater(secret, match, (to, pepperId) => this.redigest(match.record.id, match.record.tokenHash, to, pepperId));
    }
    return found;
  }

  /** The active tokens among these secrets, keyed by secret (see `find`), none marked used. */
  async lookupActive(secrets: string[]): Promise<Map<string, TokenRecord>> {
    const active = new Map<string, TokenRecord>();
    for (const [secret, record] of await this.find(secrets)) if (isActiveRecord(record)) active.set(secret, record);
    return active;
  }

  /**
   * Whether the token may be used from `address`: always without an allowlist, never from outside
   * it or from an unknown address. A refused use is recorded (REFUSED, with the address). Checked
   * on every use, whether the row came from the database or a cache, by GraphQL and introspection.
   */
  admits(record: TokenRecord, address: string | null, operation: string): boolean {
    if (addressAllowed(record.allowedAddresses, address)) return true;
    this.usage.record({ tokenId: record.id, operation, clientAddress: address, outcome: TokenUsageOutcome.REFUSED });
    return false;
  }

  /** Marks a token used now, from this address, without delaying the response. */
  touch(record: TokenRecord, clientAddress: string | null): void {
    this.lastUsed.touch(record, clientAddress);
  }

  async authenticate(secret: string, clientAddress: string | null): Promise<Caller | null> {
    const record = (await this.lookupActive([secret])).get(secret);
    if (!record || !this.admits(record, clientAddress, 'graphql')) return null;
    this.touch(record, clientAddress);
    return callerOf(record);
  }
}
