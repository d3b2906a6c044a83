import { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from '../logging/logger';

/** Who made a request: a sign-in session, an access token, an OAuth client by its credentials, or no one known. */
export type CallerKind = 'session' | 'access_token' | 'client' | 'anonymous';

export interface CallerNote {
  kind: CallerKind;
  userId?: string;
  /** The access token's or session's id (never its secret). */
  tokenId?: string;
  /** The OAuth client's `client_id`. */
  clientId?: string;
}

/** What the access line and the request metrics say of one request, filled in as it is handled. */
export interface RequestRecord {
  requestId: string;
  method: string;
  /** A fixed route name (graphql, introspect, token, revoke, healthz, …), never the raw path. */
  route: string;
  clientAddress: string | null;
  startedAt: bigint;
  caller: CallerNote;
  /** Set once the GraphQL document was parsed and validated: its operation's name (null when anonymous) and type. */
  operation?: { name: string | null; type: string };
  /** The first `extensions.code` of a GraphQL answer, or the OAuth `error` of a lean endpoint's. */
  outcome?: string;
}

// On the request, and on the GraphQL context built for it (Apollo shallow-copies that context, own
// symbol keys included), so every layer reaches the same record.
const RECORD = Symbol('tessera.requestRecord');
type Holder = { [RECORD]?: RequestRecord };

/** Starts the record of a request; `finished` runs once its response is done or abandoned. */
export function startRecord(
  req: IncomingMessage,
  res: ServerResponse,
  fields: Pick<RequestRecord, 'requestId' | 'route' | 'clientAddress'>,
  finished: (record: RequestRecord, status: number, seconds: number) => void,
): RequestRecord {
  // One literal with every field, no spread: V8 11 (Node 20) defines the properties that follow a
  // spread one at a time at run time, a few µs on every request; fields set later keep the same shape.
  const record: RequestRecord = {
    requestId: fields.requestId,
    method: req.method ?? '',
    route: fields.route,
    clientAddress: fields.clientAddress,
    startedAt: process.hrtime.bigint(),
    caller: { kind: 'anonymous' },
    operation: undefined,
    outcome: undefined,
  };
  (req as Holder)[RECORD] = record;
  // At trace, the headers too (their credentials redacted by the logger); the path without its query, which may carry variables.
  if (logger.isLevelEnabled('trace')) logger.trace({ requestId: record.requestId, method: record.method, path: (req.url ?? '').split('?')[0], headers: req.headers }, 'request received');
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - record.startedAt) / 1e9;
    // A response the client abandoned has no status worth counting; its access line says so.
    if (res.writableFinished) finished(record, res.statusCode, seconds);
    logAccess(record, res.writableFinished ? res.statusCode : null, seconds);
  });
  return record;
}

export const recordOf = (owner: object | undefined): RequestRecord | undefined => (owner as Holder | undefined)?.[RECORD];

/** Makes `record` reachable from another object of the same request (its GraphQL context). */
export const shareRecord = (owner: object, record: RequestRecord): void => void ((owner as Holder)[RECORD] = record);

export function noteCaller(owner: object | undefined, caller: CallerNote): void {
  const record = recordOf(owner);
  if (record) record.caller = caller;
}

/** Keeps the first outcome code of a request. */
export function noteOutcome(owner: object | undefined, code: string): void {
  const record = recordOf(owner);
  if (record && record.outcome === undefined) record.outcome = code;
}

/**
 * The routes other services call for every request of their own. Their answered checks are the hot
 * path: their access lines go at debug, so no line per token use is written above it; their
 * refusals stay at info.
 */
const HOT_ROUTES = new Set(['introspect']);

/** The access line: one per request, with ids and codes only. */
function logAccess(record: RequestRecord, status: number | null, seconds: number): void {
  const level = HOT_ROUTES.has(record.route) && status === 200 ? 'debug' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      requestId: record.requestId,
      method: record.method,
      route: record.route,
      ...(record.operation ? { operationName: record.operation.name, operationType: record.operation.type } : {}),
      status,
      ...(status === null ? { aborted: true } : {}),
      durationMs: Math.round(seconds * 1e5) / 100,
      clientAddress: record.clientAddress,
      callerKind: record.caller.kind,
      ...(record.caller.userId ? { userId: record.caller.userId } : {}),
      ...(record.caller.tokenId ? { tokenId: record.caller.tokenId } : {}),
      ...(record.caller.clientId ? { clientId: record.caller.clientId } : {}),
      ...(record.outcome ? { outcome: record.outcome } : {}),
    },
    'access',
  );
}
