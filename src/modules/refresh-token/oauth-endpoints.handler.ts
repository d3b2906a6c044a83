import { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readForm, writeJson, writeSlowDown, writeTooLarge } from '../../core/http/form';
import { RequestContext } from '../../core/context/request-context';
import { isDatabaseUnavailable, writeTemporarilyUnavailable } from '../../core/errors/service-unavailable';
import { describeError, logger } from '../../core/logging/logger';
import { noteCaller } from '../../core/observability/request-record';
import { clientCredentialsOf } from '../oauth-client/client-credentials';
import { OAuthError } from './refresh-token.errors';
import { RefreshedPair } from './refresh-token.service';

export const TOKEN_PATH = '/oauth/token';
export const REVOCATION_PATH = '/oauth/revoke';

export interface OAuthEndpointDeps {
  /** A request context without a caller (the OAuth endpoints authenticate by the token presented). */
  contextFor: (req: IncomingMessage) => RequestContext;
}

/** The form's parameters; missing, empty or repeated required ones are refused (RFC 6749 §3.2). */
async function formOf(req: IncomingMessage, required: string[]): Promise<URLSearchParams> {
  const form = await readForm(req);
  if (!form) throw new OAuthError('invalid_request', 'Send the parameters form-encoded (application/x-www-form-urlencoded)');
  const repeated = [...new Set(form.keys())].filter((key) => form.getAll(key).length > 1);
  if (repeated.length) throw new OAuthError('invalid_request', `Repeated parameter: ${repeated.join(', ')}`);
  const missing = required.filter((key) => !form.get(key));
  if (missing.length) throw new OAuthError('invalid_request', `Missing parameter: ${missing.join(', ')}`);
  return form;
}

/** Runs an OAuth endpoint: OAuth errors answer RFC 6749 §5.2 JSON, a database that does not answer 503, anything else is logged and masked. */
function endpoint(name: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof BodyTooLargeError) return writeTooLarge(res);
      if (error instanceof OAuthError) {
        req.resume();
        // RFC 6749 §5.2: a client that tried HTTP Basic is told which scheme to use.
        const challenge = error.error === 'invalid_client' && /^Basic\b/i.test(req.headers.authorization ?? '') ? { 'www-authenticate': 'Basic realm="tessera"' } : undefined;
        writeJson(res, error.status, { error: error.error, error_description: error.description }, challenge);
        return;
      }
      if (isDatabaseUnavailable(error)) return writeTemporarilyUnavailable(res);
      logger.error({ error: describeError(error) }, `${name} failed`);
      writeJson(res, 500, { error: 'server_error' });
    });
  };
}

/**
 * `POST /oauth/token`: the refresh grant of RFC 6749 §6 for CLIENT tokens, form-encoded
 * (`grant_type=refresh_token`, `refresh_token`; the client by `client_id`, plus its secret by HTTP
 * Basic or `client_secret` when it is confidential). Answers a new access token and a new
 * refresh token (RFC 6749 §5.1); the presented refresh token is spent. Lean node:http, like
 * introspection.
 */
export function createTokenHandler(deps: OAuthEndpointDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return endpoint('token endpoint', async (req, res) => {
    const ctx = deps.contextFor(req);
    const form = await formOf(req, ['grant_type']);
    if (form.get('grant_type') !== 'refresh_token') throw new OAuthError('unsupported_grant_type', 'Only grant_type=refresh_token is supported');
    const credentials = clientCredentialsOf(req.headers.authorization, form);
    const missing = [...(credentials ? [] : ['client_id']), ...(form.get('refresh_token') ? [] : ['refresh_token'])];
    if (missing.length) throw new OAuthError('invalid_request', `Missing parameter: ${missing.join(', ')}`);
    // Only refused refreshes are throttled (per refresh token, then per address): a valid one works whatever others on its address did.
    let pair: RefreshedPair;
    try {
      const client = await ctx.services.oauthClients.authenticate(ctx, credentials!);
      noteCaller(req, { kind: 'client', clientId: client.clientId });
      pair = await ctx.services.refreshTokens.refresh(ctx, client, form.get('refresh_token')!, form.has('scope') ? form.get('scope')! : null);
    } catch (error) {
      const refused = error instanceof OAuthError && (error.error === 'invalid_grant' || error.error === 'invalid_client');
      const wait = refused ? await ctx.services.tokenAuthFailures.refused(form.get('refresh_token')!, ctx.clientAddress) : 0;
      if (!wait) throw error;
      writeSlowDown(res, wait);
      return;
    }
    writeJson(res, 200, {
      access_token: pair.accessToken,
      token_type: 'Bearer',
      expires_in: pair.expiresInSeconds,
      refresh_token: pair.refreshToken,
      ...(pair.refreshTokenExpiresAt ? { refresh_expires_in: Math.max(0, Math.floor((pair.refreshTokenExpiresAt.getTime() - Date.now()) / 1000)) } : {}),
      scope: pair.scope,
    });
  });
}

/**
 * `POST /oauth/revoke` (RFC 7009): `token` (a refresh token or an access token), optional
 * `token_type_hint` (not needed: the prefix tells) and the client's credentials as at the token
 * endpoint. Answers 200 for unknown tokens, 401 `invalid_client` when the client's credentials are
 * wrong, 400 `unauthorized_client` for a token issued to another client.
 */
export function createRevocationHandler(deps: OAuthEndpointDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return endpoint('revocation endpoint', async (req, res) => {
    const form = await formOf(req, ['token']);
    const ctx = deps.contextFor(req);
    const credentials = clientCredentialsOf(req.headers.authorization, form);
    const client = credentials ? await ctx.services.oauthClients.authenticate(ctx, credentials) : null;
    if (client) noteCaller(req, { kind: 'client', clientId: client.clientId });
    await ctx.services.refreshTokens.revokePresented(ctx, form.get('token')!, client);
    writeJson(res, 200, {});
  });
}
