import { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readForm, writeJson, writeSlowDown, writeTooLarge } from '../../core/http/form';
import { CredentialThrottle } from '../../core/auth/credential-throttle';
import { bearerSecret } from '../../core/auth/bearer';
import { isIpAddress } from '../../core/http/address-ranges';
import { isDatabaseUnavailable, writeTemporarilyUnavailable } from '../../core/errors/service-unavailable';
import { Scope } from '../access-token/access-token.scopes';
import { describeError, logger } from '../../core/logging/logger';
import { noteCaller } from '../../core/observability/request-record';
import { SECRET_PREFIXES, parseSecret } from '../../core/secrets/secret-format';
import { AccessTokenAuthenticator } from '../access-token/access-token.authenticator';
import { AccessTokenKind } from '../access-token/access-token.entity';
import { ACCESS_TOKEN_PREFIXES } from '../access-token/access-token.issuer';
import { TokenRecord } from '../access-token/token-lookup';
import { basicCredentials, clientCredentialsOf } from '../oauth-client/client-credentials';
import { OAuthClientEntity, OAuthClientType } from '../oauth-client/oauth-client.entity';
import { ClientCredentials } from '../oauth-client/oauth-client.service';
import { OAuthError } from '../refresh-token/refresh-token.errors';
import { RefreshTokenIntrospection } from '../refresh-token/refresh-token.service';
import { TokenUsageOutcome } from '../token-usage/token-usage.entity';
import { UsageRecorder } from '../token-usage/usage.recorder';
import { mayIntrospect } from './introspection.policy';

export const INTROSPECTION_PATH = '/oauth/introspect';

/** What a secret is by its prefix (checksum verified): each secret of a request is parsed once. */
function secretKindOf(secret: string): 'access' | 'refresh' | null {
  const prefix = parseSecret(secret);
  if (prefix === SECRET_PREFIXES.refreshToken) return 'refresh';
  return prefix !== null && ACCESS_TOKEN_PREFIXES.includes(prefix) ? 'access' : null;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The end client's address a resource server names (`client_address`), null when it names none. */
const endClientOf = (form: URLSearchParams | null): string | null => form?.get('client_address') ?? null;

const BAD_CLIENT_ADDRESS = { error: 'invalid_request', error_description: 'client_address must be the IPv4 or IPv6 address of the end client' };

/** When the token stops working by itself: its expiry, or earlier the end of its rotation overlap (a future revokedAt, ROTATING). */
const workingUntil = (record: TokenRecord): Date | null =>
  record.revokedAt && (!record.expiresAt || record.revokedAt < record.expiresAt) ? record.revokedAt : record.expiresAt;

/** RFC 7662 §2.2 members, plus Tessera's `level`, `kind`, `resource` and `role`. */
function introspectionOf(record: TokenRecord) {
  return {
    active: true,
    scope: record.scopeList,
    token_type: 'Bearer',
    sub: record.owner.id,
    ...(record.owner.email ? { username: record.owner.email } : {}),
    iat: seconds(record.createdAt),
    ...(workingUntil(record) ? { exp: seconds(workingUntil(record)!) } : {}),
    jti: record.id,
    level: record.level,
    kind: record.kind,
    resource: record.resourceType ? { type: record.resourceType, id: record.resourceId, organizationId: record.organizationId } : null,
    role: record.role,
  };
}

function challenge(error: string): Record<string, string> {
  const scope = error === 'insufficient_scope' ? `, scope="${Scope.INTROSPECT}"` : '';
  return { 'www-authenticate': `Bearer realm="tessera", error="${error}"${scope}` };
}

export interface IntrospectionDeps {
  authenticator: AccessTokenAuthenticator;
  usage: UsageRecorder;
  failures: CredentialThrottle;
  /** A live refresh token's introspection, or null. */
  introspectRefreshToken: (req: IncomingMessage, secret: string) => Promise<RefreshTokenIntrospection | null>;
  /** The `client_id` of a CLIENT access token's OAuth client. */
  clientIdOf: (req: IncomingMessage, accessTokenId: string) => Promise<string | null>;
  /** The confidential OAuth client of HTTP Basic credentials; throws OAuthError `invalid_client` otherwise. */
  authenticateClient: (req: IncomingMessage, credentials: ClientCredentials) => Promise<OAuthClientEntity>;
  clientAddress: (req: IncomingMessage) => string | null;
  countResult: (labels: { result: 'active' | 'inactive' | 'refused' }) => void;
}

/**
 * `POST /oauth/introspect` (RFC 7662), the hot path of every resource server: the caller
 * authenticates with an access token carrying the `introspect` scope (RFC 6750 bearer), or as a
 * registered confidential OAuth client (HTTP Basic or `client_id` and `client_secret` in the form,
 * RFC 7662 §2.1); the token
 * to check comes form-encoded as `token`, and the address of the end client that presented it as
 * `client_address` (checked against the token's allowlist; a token with one is inactive without it). Caller and subject are found by one indexed query; an
 * inactive subject, whatever the reason, or one out of the caller's reach (`mayIntrospect`), answers only `{"active": false}`. It runs on bare
 * node:http, ahead of Express, so a check costs little more than that query.
 */
export function createIntrospectionHandler(deps: IntrospectionDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const send = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
    deps.countResult({ result: status !== 200 ? 'refused' : body.active ? 'active' : 'inactive' });
    writeJson(res, status, body, headers);
  };
  /** CLIENT tokens name their OAuth client (RFC 7662 `client_id`). */
  const withClientId = async (req: IncomingMessage, record: TokenRecord, answer: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (record.kind !== AccessTokenKind.CLIENT) return answer;
    const clientId = await deps.clientIdOf(req, record.id);
    return clientId ? { ...answer, client_id: clientId } : answer;
  };
  const sendSlowDown = (res: ServerResponse, wait: number): void => {
    deps.countResult({ result: 'refused' });
    writeSlowDown(res, wait);
  };
  /**
   * A resource server registered as a confidential OAuth client: HTTP Basic (`client_secret_basic`),
   * or, when `form` is given, its `client_id` and `client_secret` (`client_secret_post`).
   */
  const handleClient = async (req: IncomingMessage, res: ServerResponse, address: string | null, form: URLSearchParams | null): Promise<void> => {
    const refuse = async (description: string): Promise<void> => {
      req.resume();
      const wait = await deps.failures.refused(form ? form.get('client_secret') ?? form.get('client_id')! : req.headers.authorization!, address);
      if (wait > 0) return sendSlowDown(res, wait);
      // RFC 6749 §5.2: the Basic challenge answers a client that tried HTTP Basic.
      send(res, 401, { error: 'invalid_client', error_description: description }, form ? {} : { 'www-authenticate': 'Basic realm="tessera"' });
    };
    let client: OAuthClientEntity;
    try {
      client = await deps.authenticateClient(req, form ? clientCredentialsOf(undefined, form)! : basicCredentials(req.headers.authorization)!);
    } catch (error) {
      if (error instanceof OAuthError) return refuse(error.description);
      throw error;
    }
    if (client.type !== OAuthClientType.CONFIDENTIAL) return refuse('Only confidential clients may introspect');
    noteCaller(req, { kind: 'client', clientId: client.clientId });
    const body = form ?? (await readForm(req));
    const subject = body?.get('token');
    if (!subject) return send(res, 400, { error: 'invalid_request', error_description: 'Send the token form-encoded (token=…)' });
    const endClient = endClientOf(body);
    if (endClient !== null && !isIpAddress(endClient)) return send(res, 400, BAD_CLIENT_ADDRESS);
    const subjectKind = secretKindOf(subject);
    if (subjectKind === 'refresh') {
      // A refresh token is shown only to the client it was issued to.
      const refresh = await deps.introspectRefreshToken(req, subject);
      return send(res, 200, refresh && refresh.oauthClientId === client.id ? refresh.answer : { active: false });
    }
    const record = subjectKind === 'access' ? (await deps.authenticator.lookupActive([subject])).get(subject) : undefined;
    if (!record || !deps.authenticator.admits(record, endClient, 'introspection')) return send(res, 200, { active: false });
    deps.authenticator.touch(record, address);
    deps.usage.record({ tokenId: record.id, operation: 'introspection', clientAddress: address, outcome: TokenUsageOutcome.SUCCESS });
    // A client reads no one's personal data: no e-mail address.
    const { username: _username, ...answer } = introspectionOf(record);
    send(res, 200, await withClientId(req, record, answer));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const address = deps.clientAddress(req);
    if (/^Basic\b/i.test(req.headers.authorization ?? '')) return handleClient(req, res, address, null);
    if (!req.headers.authorization) {
      const form = await readForm(req);
      if (form?.get('client_id')) return handleClient(req, res, address, form);
      // RFC 6750 §3.1: a request without credentials gets the challenge without an error code.
      return send(res, 401, { error: 'invalid_token', error_description: 'Authenticate with an access token that has the introspect scope, or as a confidential client' }, { 'www-authenticate': 'Bearer realm="tessera", Basic realm="tessera"' });
    }
    const callerSecret = bearerSecret(req.headers.authorization);
    if (!callerSecret || secretKindOf(callerSecret) !== 'access') {
      req.resume();
      return send(res, 401, { error: 'invalid_token', error_description: 'Authenticate with an access token that has the introspect scope' }, challenge('invalid_token'));
    }
    const form = await readForm(req);
    const subject = form?.get('token');
    if (!subject) return send(res, 400, { error: 'invalid_request', error_description: 'Send the token form-encoded (token=…)' });
    const endClient = endClientOf(form);
    if (endClient !== null && !isIpAddress(endClient)) return send(res, 400, BAD_CLIENT_ADDRESS);
    const subjectKind = secretKindOf(subject);
    if (subjectKind === 'refresh') {
      const caller = (await deps.authenticator.lookupActive([callerSecret])).get(callerSecret);
      if (!caller || !deps.authenticator.admits(caller, address, 'introspection')) return send(res, 401, { error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked' }, challenge('invalid_token'));
      noteCaller(req, { kind: 'access_token', userId: caller.owner.id, tokenId: caller.id });
      if (!caller.scopeList.split(' ').includes(Scope.INTROSPECT)) return send(res, 403, { error: 'insufficient_scope', error_description: 'The access token lacks the introspect scope' }, challenge('insufficient_scope'));
      // A refresh token is shown only to its owner's own introspect tokens.
      const refresh = await deps.introspectRefreshToken(req, subject);
      return send(res, 200, refresh && refresh.ownerId === caller.owner.id ? refresh.answer : { active: false });
    }
    const secrets = subjectKind === 'access' && subject !== callerSecret ? [callerSecret, subject] : [callerSecret];
    // Marked used below, once known to be in the caller's reach: asking about a token is no use of it.
    const active = await deps.authenticator.lookupActive(secrets);
    const caller = active.get(callerSecret);
    // The introspect token itself is used from the resource server's address.
    if (!caller || !deps.authenticator.admits(caller, address, 'introspection')) {
      // Only a refused caller is throttled: a valid introspect token works whatever others on its address did.
      const wait = await deps.failures.refused(callerSecret, address);
      if (wait > 0) return sendSlowDown(res, wait);
      return send(res, 401, { error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked' }, challenge('invalid_token'));
    }
    deps.authenticator.touch(caller, address);
    noteCaller(req, { kind: 'access_token', userId: caller.owner.id, tokenId: caller.id });
    if (!caller.scopeList.split(' ').includes(Scope.INTROSPECT)) {
      return send(res, 403, { error: 'insufficient_scope', error_description: 'The access token lacks the introspect scope' }, challenge('insufficient_scope'));
    }
    const record = subject === callerSecret ? caller : active.get(subject);
    if (!record || !mayIntrospect(caller, record)) return send(res, 200, { active: false });
    // The subject is used by the end client: without its address, a token with an allowlist is inactive (fail closed).
    if (!deps.authenticator.admits(record, endClient, 'introspection')) return send(res, 200, { active: false });
    if (record !== caller) deps.authenticator.touch(record, address);
    deps.usage.record({ tokenId: record.id, operation: 'introspection', clientAddress: address, outcome: TokenUsageOutcome.SUCCESS });
    send(res, 200, await withClientId(req, record, introspectionOf(record)));
  };
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof BodyTooLargeError) return writeTooLarge(res);
      if (isDatabaseUnavailable(error)) return writeTemporarilyUnavailable(res);
      logger.error({ error: describeError(error) }, 'introspection failed');
      writeJson(res, 500, { error: 'server_error' });
    });
  };
}
