import { GraphQLError } from 'graphql';
import { Caller } from '../context/request-context';
import { ErrorCode } from '../errors/app-error';
import { isDatabaseUnavailable, serviceUnavailable } from '../errors/service-unavailable';
import { SecretPrefix, parseSecret } from '../secrets/secret-format';
import { CredentialThrottle } from './credential-throttle';

/** Turns one kind of bearer secret into a caller; null when unknown, revoked or expired. */
export type BearerResolver = (secret: string, clientAddress: string | null) => Promise<Caller | null>;

/** A 401 with `WWW-Authenticate` (RFC 6750), raised before any resolver runs. */
export function invalidBearer(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="tessera", error="invalid_token"']]) },
    },
  });
}

function tooManyFailures(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many failed authentications with this token or from this address; retry in ${retryAfterSeconds} s`, {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds, http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } },
  });
}

/** The secret of `Authorization: Bearer <secret>`; undefined when absent, null when malformed. */
export function bearerSecret(authorization: string | undefined): string | null | undefined {
  if (!authorization) return undefined;
  return /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1] ?? null;
}

/**
 * Reads `Authorization: Bearer …`. A secret with an unknown prefix or a bad checksum is refused
 * without touching the database (nor the throttle: anyone can compute a checksum, so it is no
 * guess); a well-formed one goes to the resolver registered for its prefix. Only refused
 * well-formed secrets reach the throttle, which answers 429 once the secret or its address has
 * failed too often: a valid secret is never refused because others failed.
 */
export class BearerAuthenticator {
  constructor(
    private readonly resolvers: Partial<Record<SecretPrefix, BearerResolver>>,
    private readonly failures: CredentialThrottle,
  ) {}

  /**
   * The caller, null when no credentials were sent; throws a 401 (or 429) GraphQLError for bad ones.
   * `onRefused` hears of well-formed secrets that were refused (unknown, revoked, expired…) and not
   * throttled, so the throttle bounds how many it hears of; malformed ones cost no I/O at all.
   * A database that does not answer accepts no one (fail closed): a 503 GraphQLError.
   */
  async authenticate(authorization: string | undefined, clientAddress: string | null, onRefused?: (prefix: SecretPrefix) => Promise<void>): Promise<Caller | null> {
    try {
      return await this.check(authorization, clientAddress, onRefused);
    } catch (error) {
      throw isDatabaseUnavailable(error) ? serviceUnavailable() : error;
    }
  }

  private async check(authorization: string | undefined, clientAddress: string | null, onRefused?: (prefix: SecretPrefix) => Promise<void>): Promise<Caller | null> {
    const secret = bearerSecret(authorization);
    if (secret === undefined) return null;
    const prefix = secret ? parseSecret(secret) : null;
    const resolver = prefix ? this.resolvers[prefix] : undefined;
    if (!secret || !prefix || !resolver) throw invalidBearer(secret ? 'Invalid, expired or revoked token' : 'The Authorization header must be "Bearer <token>"');
    const caller = await resolver(secret, clientAddress);
    if (caller) return caller;
    const wait = await this.failures.refused(secret, clientAddress);
    if (wait > 0) throw tooManyFailures(wait);
    await onRefused?.(prefix);
    throw invalidBearer('Invalid, expired or revoked token');
  }
}
