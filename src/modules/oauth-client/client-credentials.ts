import { OAuthError } from '../refresh-token/refresh-token.errors';
import { ClientCredentials } from './oauth-client.service';

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

/** The id and secret of an `Authorization: Basic` header, or null when the header is not Basic. */
export function basicCredentials(authorization: string | undefined): ClientCredentials | null {
  const match = /^Basic +([A-Za-z0-9+/=_-]+) *$/i.exec(authorization ?? '');
  if (!match) {
    if (/^Basic\b/i.test(authorization ?? '')) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials');
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  try {
    const clientId = formDecode(colon < 0 ? decoded : decoded.slice(0, colon));
    if (!clientId) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials');
    return { clientId, secret: colon < 0 ? null : formDecode(decoded.slice(colon + 1)) || null };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials');
  }
}

/**
 * The client a request to an OAuth endpoint names: HTTP Basic (`client_secret_basic`), or
 * `client_id` with an optional `client_secret` in the form (`client_secret_post`, or a public
 * client). Using both methods at once, or naming two different clients, is `invalid_request`
 * (RFC 6749 §2.3). Null when the request names no client.
 */
export function clientCredentialsOf(authorization: string | undefined, form: URLSearchParams): ClientCredentials | null {
  const basic = basicCredentials(authorization);
  const formId = form.get('client_id') || null;
  const formSecret = form.get('client_secret') || null;
  if (basic) {
    if (formSecret !== null) throw new OAuthError('invalid_request', 'Send the client secret either with HTTP Basic or in the form, not both');
    if (formId !== null && formId !== basic.clientId) throw new OAuthError('invalid_request', 'client_id differs from the HTTP Basic client');
    return basic;
  }
  if (formId === null) {
    if (formSecret !== null) throw new OAuthError('invalid_request', 'Missing parameter: client_id');
    return null;
  }
  return { clientId: formId, secret: formSecret };
}
