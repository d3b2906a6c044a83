import { createHash } from 'node:crypto';
import { AppConfig } from '../config/config';
import { FailureThrottle, ThrottleStore } from './failure-throttle';

/** A key for the presented secret that is not the secret (it lands in the shared counter table). */
const fingerprint = (credential: string): string => createHash('sha256').update(credential).digest('base64url').slice(0, 32);

/**
 * Bounds guessing of bearer secrets (access tokens, sessions, refresh tokens) without punishing
 * valid ones: it is asked only after a presented credential was refused, so a valid credential
 * succeeds whatever others on its address did, and costs the throttle no I/O. A refused
 * credential is counted against itself (a client retrying a dead token is slowed at a low
 * ceiling) and against its client address (someone trying many secrets is slowed at a much
 * higher one, high enough for a company behind one NAT address).
 */
export class CredentialThrottle {
  private readonly byCredential: FailureThrottle;
  private readonly byAddress: FailureThrottle;
  /** Refusals answered with a wait (429) since start, for the metrics. */
  rejections = 0;

  constructor(store: ThrottleStore, config: Pick<AppConfig, 'tokenAuthMaxFailuresPerCredential' | 'tokenAuthMaxFailuresPerAddress' | 'tokenAuthFailureWindowSeconds'>) {
    this.byCredential = new FailureThrottle(store, 'token-auth-credential', config.tokenAuthMaxFailuresPerCredential, config.tokenAuthFailureWindowSeconds);
    this.byAddress = new FailureThrottle(store, 'token-auth', config.tokenAuthMaxFailuresPerAddress, config.tokenAuthFailureWindowSeconds);
  }

  /**
   * Call once `credential` was refused. While the credential or the address is blocked, answers the
   * seconds to wait (answer 429 with Retry-After) without counting or any I/O; otherwise counts this
   * failure against both and answers 0 (answer the refusal itself).
   */
  async refused(credential: string, address: string | null): Promise<number> {
    const key = fingerprint(credential);
    const wait = Math.max(await this.byCredential.retryAfter(key), await this.byAddress.retryAfter(address));
    if (wait > 0) {
      this.rejections += 1;
      return wait;
    }
    await Promise.all([this.byCredential.recordFailure(key), this.byAddress.recordFailure(address)]);
    return 0;
  }
}
