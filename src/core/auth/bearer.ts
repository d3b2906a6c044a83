import { GraphQLError } from 'graphql';
import { Caller } from '../context/request-context';
import { ErrorCode } from '../errors/app-error';
import { SecretPrefix, parseSecret } from '../secrets/secret-format';

/** Turns one kind of bearer secret into a caller; null when unknown, revoked or expired. */
export type BearerResolver = (secret: string) => Promise<Caller | null>;

/** A 401 with `WWW-Authenticate` (RFC 6750), raised before any resolver runs. */
export function invalidBearer(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      http: { status: 401, headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]) },
    },
  });
}

/**
 * Reads `Authorization: Bearer …`. A secret with an unknown prefix or a bad checksum is refused
 * without touching the database; a well-formed one goes to the resolver registered for its prefix.
 */
export class BearerAuthenticator {
  constructor(private readonly resolvers: Partial<Record<SecretPrefix, BearerResolver>>) {}

  /** The caller, null when no credentials were sent; throws a 401 GraphQLError for bad ones. */
  async authenticate(authorization: string | undefined): Promise<Caller | null> {
    if (!authorization) return null;
    const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
    if (!match) throw invalidBearer('The Authorization header must be "Bearer <token>"');
    const prefix = parseSecret(match[1]);
    const resolver = prefix ? this.resolvers[prefix] : undefined;
    if (!resolver) throw invalidBearer('Invalid token');
    const caller = await resolver(match[1]);
    if (!caller) throw invalidBearer('Invalid, expired or revoked token');
    return caller;
  }
}
