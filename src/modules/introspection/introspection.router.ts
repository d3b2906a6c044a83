import express, { Request, Response, Router } from 'express';
import { FailureThrottle } from '../../core/auth/failure-throttle';
import { bearerSecret } from '../../core/auth/bearer';
import { Scope } from '../../core/authorization/scopes';
import { parseSecret } from '../../core/secrets/secret-format';
import { AccessTokenAuthenticator } from '../access-token/access-token.authenticator';
import { ACCESS_TOKEN_PREFIXES } from '../access-token/access-token.service';
import { TokenRecord } from '../access-token/token-lookup';
import { TokenUsageOutcome } from '../token-usage/token-usage.entity';
import { UsageRecorder } from '../token-usage/usage.recorder';

const isAccessTokenSecret = (secret: string): boolean => {
  const prefix = parseSecret(secret);
  return prefix !== null && ACCESS_TOKEN_PREFIXES.includes(prefix);
};

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** RFC 7662 §2.2 members, plus Tessera's `level`, `kind`, `resource` and `role`. */
function introspectionOf(record: TokenRecord) {
  return {
    active: true,
    scope: record.scopeList,
    token_type: 'Bearer',
    sub: record.owner.id,
    ...(record.owner.email ? { username: record.owner.email } : {}),
    iat: seconds(record.createdAt),
    ...(record.expiresAt ? { exp: seconds(record.expiresAt) } : {}),
    jti: record.id,
    level: record.level,
    kind: record.kind,
    resource: record.resourceType ? { type: record.resourceType, id: record.resourceId, organizationId: record.organizationId } : null,
    role: record.role,
  };
}

function refuse(res: Response, status: 401 | 403, error: string, description: string): void {
  const challenge = status === 401 ? `Bearer realm="tessera", error="${error}"` : `Bearer realm="tessera", error="${error}", scope="${Scope.INTROSPECT}"`;
  res.status(status).set('WWW-Authenticate', challenge).json({ error, error_description: description });
}

export interface IntrospectionDeps {
  authenticator: AccessTokenAuthenticator;
  usage: UsageRecorder;
  failures: FailureThrottle;
  clientAddress: (req: Request) => string | null;
}

/**
 * `POST /oauth/introspect` (RFC 7662) for resource servers: the caller authenticates with an
 * access token carrying the `introspect` scope (RFC 6750 bearer); the token to check comes
 * form-encoded as `token`. Caller and subject are found in one indexed query; an inactive
 * subject, whatever the reason, answers only `{"active": false}`.
 */
export function introspectionRouter(deps: IntrospectionDeps): Router {
  const router = Router();
  router.post('/oauth/introspect', express.urlencoded({ extended: false, limit: '10kb' }), async (req, res, next) => {
    try {
      res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
      const address = deps.clientAddress(req);
      const wait = await deps.failures.retryAfter(address);
      if (wait > 0) {
        res.status(429).set('Retry-After', String(wait)).json({ error: 'rate_limited', error_description: `retry in ${wait} s` });
        return;
      }
      const callerSecret = bearerSecret(req.header('authorization'));
      if (!callerSecret || !isAccessTokenSecret(callerSecret)) {
        if (callerSecret !== undefined) await deps.failures.recordFailure(address);
        refuse(res, 401, 'invalid_token', 'Authenticate with an access token that has the introspect scope');
        return;
      }
      const subject = typeof req.body?.token === 'string' ? (req.body.token as string) : null;
      if (!subject) {
        res.status(400).json({ error: 'invalid_request', error_description: 'The token parameter is required' });
        return;
      }
      const secrets = isAccessTokenSecret(subject) && subject !== callerSecret ? [callerSecret, subject] : [callerSecret];
      const active = await deps.authenticator.findActive(secrets, address);
      const caller = active.get(callerSecret);
      if (!caller) {
        await deps.failures.recordFailure(address);
        refuse(res, 401, 'invalid_token', 'The access token is invalid, expired or revoked');
        return;
      }
      if (!caller.scopeList.split(' ').includes(Scope.INTROSPECT)) {
        refuse(res, 403, 'insufficient_scope', 'The access token lacks the introspect scope');
        return;
      }
      const record = subject === callerSecret ? caller : active.get(subject);
      if (!record) {
        res.json({ active: false });
        return;
      }
      deps.usage.record({ tokenId: record.id, operation: 'introspection', clientAddress: address, outcome: TokenUsageOutcome.SUCCESS });
      res.json(introspectionOf(record));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
