/** RFC 6749 §5.2 / RFC 7009 §2.2.1 error codes answered by the OAuth endpoints. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

/** A refused OAuth request: the handler answers `{ error, error_description }` with `status`. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

export const invalidGrant = (description = 'The refresh token is invalid, expired or revoked'): OAuthError => new OAuthError('invalid_grant', description);
