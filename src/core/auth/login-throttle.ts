import { AppConfig } from '../config/config';
import { rateLimited } from '../errors/app-error';
import { FailureThrottle, ThrottleStore } from './failure-throttle';

/**
 * Throttles password checks per account and per client address (OWASP ASVS V6.3.1):
 * after too many failures in the window, attempts answer RATE_LIMITED with a retry time.
 * A success clears the account's counter.
 */
export class LoginThrottle {
  private readonly byAccount: FailureThrottle;
  private readonly byAddress: FailureThrottle;

  constructor(store: ThrottleStore, config: Pick<AppConfig, 'loginMaxAttemptsPerAccount' | 'loginMaxAttemptsPerAddress' | 'loginThrottleWindowSeconds'>) {
    this.byAccount = new FailureThrottle(store, 'login-account', config.loginMaxAttemptsPerAccount, config.loginThrottleWindowSeconds);
    this.byAddress = new FailureThrottle(store, 'login-address', config.loginMaxAttemptsPerAddress, config.loginThrottleWindowSeconds);
  }

  /** Throws RATE_LIMITED when the account or the address has no attempts left. */
  async assertAllowed(account: string, address: string | null): Promise<void> {
    const wait = Math.max(await this.byAccount.retryAfter(account), await this.byAddress.retryAfter(address));
    if (wait > 0) throw rateLimited(wait);
  }

  async recordFailure(account: string, address: string | null): Promise<void> {
    await Promise.all([this.byAccount.recordFailure(account), this.byAddress.recordFailure(address)]);
  }

  async recordSuccess(account: string): Promise<void> {
    await this.byAccount.reset(account);
  }
}
