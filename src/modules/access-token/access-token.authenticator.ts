import { Caller } from '../../core/context/request-context';
import { addressAllowed } from '../../core/http/address-ranges';
import { hashSecret } from '../../core/secrets/secret-format';
import { LastUsedTracker } from '../token-usage/last-used.tracker';
import { TokenUsageOutcome } from '../token-usage/token-usage.entity';
import { UsageRecorder } from '../token-usage/usage.recorder';
import { UserEntity } from '../user/user.entity';
import { tokenScopes } from './access-token.entity';
import { AccessTokenStatus, accessTokenStatus } from './access-token.status';
import { TokenLookup, TokenRecord } from './token-lookup';

/** Whether a looked-up token works now (the one status rule, applied to the lookup row). */
export const isActiveRecord = (record: TokenRecord, now = new Date()): boolean =>
  accessTokenStatus(record, record.owner, now) === AccessTokenStatus.ACTIVE;

/** The caller a looked-up token acts as. */
export function callerOf(record: TokenRecord): Caller {
  return { user: Object.assign(new UserEntity(), record.owner), sessionId: null, accessTokenId: record.id, scopes: tokenScopes(record) };
}

/**
 * Bearer authentication with access tokens: one point lookup by keyed hash, the status rule, the
 * address allowlist, and a last-used mark that never delays the response.
 */
export class AccessTokenAuthenticator {
  constructor(
    private readonly pepper: string,
    private readonly lookup: TokenLookup,
    private readonly lastUsed: LastUsedTracker,
    private readonly usage: UsageRecorder,
  ) {}

  hash(secret: string): string {
    return hashSecret(secret, this.pepper);
  }

  /** The active tokens among these secrets, keyed by secret (one round trip), none marked used. */
  async lookupActive(secrets: string[]): Promise<Map<string, TokenRecord>> {
    const hashes = secrets.map((secret) => this.hash(secret));
    const active = new Map<string, TokenRecord>();
    for (const record of await this.lookup(hashes)) {
      if (isActiveRecord(record)) active.set(secrets[hashes.indexOf(record.tokenHash)], record);
    }
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
