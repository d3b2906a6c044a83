import { IncomingMessage, ServerResponse } from 'node:http';
import { FailureThrottle } from '../../core/auth/failure-throttle';
import { RequestContext } from '../../core/context/request-context';
import { isDatabaseUnavailable, writeTemporarilyUnavailable } from '../../core/errors/service-unavailable';
import { BodyTooLargeError, isFormEncoded, isJson, readBody, writeJson, writeSlowDown, writeTooLarge } from '../../core/http/form';
import { describeError, logger } from '../../core/logging/logger';

export const LEAK_REPORT_PATH = '/tokens/leaked';

/** Secrets one report may carry. */
export const MAX_LEAK_REPORT_SECRETS = 1000;

/** Room for MAX_LEAK_REPORT_SECRETS secrets (43 characters each) in either encoding, with slack. */
const MAX_LEAK_REPORT_BYTES = 96 * 1024;

export interface LeakReportDeps {
  /** A request context without a caller: reports are anonymous. */
  contextFor: (req: IncomingMessage) => RequestContext;
  /** Counts every report per client address (a call, not a failure, is what is limited here). */
  throttle: FailureThrottle;
}

class BadReport extends Error {}

/** The reported values: JSON `{"secrets": […]}`, or a form with `secret` repeated. */
function secretsOf(req: IncomingMessage, body: Buffer): string[] {
  let secrets: unknown;
  if (isJson(req)) {
    try {
      secrets = (JSON.parse(body.toString('utf8')) as { secrets?: unknown } | null)?.secrets;
    } catch {
      throw new BadReport('The body is not JSON');
    }
  } else if (isFormEncoded(req)) {
    secrets = new URLSearchParams(body.toString('utf8')).getAll('secret');
  } else {
    throw new BadReport('Send JSON {"secrets": ["…"]} (application/json) or secret=… form-encoded');
  }
  if (!Array.isArray(secrets) || !secrets.every((s): s is string => typeof s === 'string')) throw new BadReport('secrets must be a list of strings');
  if (!secrets.length) throw new BadReport('Report at least one secret');
  if (secrets.length > MAX_LEAK_REPORT_SECRETS) throw new BadReport(`Report at most ${MAX_LEAK_REPORT_SECRETS} secrets per request`);
  return secrets;
}

/**
 * `POST /tokens/leaked`: anyone who found Tessera secrets (a person, a secret scanner) reports up
 * to MAX_LEAK_REPORT_SECRETS of them, unauthenticated. Every report answers 202 `{}` whatever the
 * values were, so it cannot be used to test secrets; malformed requests answer 400, too many
 * reports from one address 429 with Retry-After.
 */
export function createLeakReportHandler(deps: LeakReportDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ctx = deps.contextFor(req);
    const wait = await deps.throttle.retryAfter(ctx.clientAddress);
    if (wait > 0) {
      req.resume();
      writeSlowDown(res, wait);
      return;
    }
    await deps.throttle.recordFailure(ctx.clientAddress);
    const secrets = secretsOf(req, await readBody(req, MAX_LEAK_REPORT_BYTES));
    await ctx.services.leakResponse.report(ctx, secrets);
    writeJson(res, 202, {});
  };
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof BodyTooLargeError) return writeTooLarge(res, error.maxBytes);
      if (error instanceof BadReport) return writeJson(res, 400, { error: 'invalid_request', error_description: error.message });
      if (isDatabaseUnavailable(error)) return writeTemporarilyUnavailable(res);
      logger.error({ error: describeError(error) }, 'leak report failed');
      writeJson(res, 500, { error: 'server_error' });
    });
  };
}
