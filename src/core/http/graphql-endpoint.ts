import { ApolloServer, BaseContext, HeaderMap } from '@apollo/server';
import cors from 'cors';
import { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { describeError, logger } from '../logging/logger';
import { noteOutcome, recordOf } from '../observability/request-record';
import { BodyTooLargeError, mediaTypeOf, readBody, writeJson } from './form';

/** The largest GraphQL request body read; documents are bounded by their token count as well. */
export const MAX_GRAPHQL_BODY_BYTES = 100 * 1024;

export interface GraphQLEndpointOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  /** TESSERA_CORS_ORIGINS: none means same-origin only (no CORS headers at all); `*` allows any origin. */
  corsOrigins: string[];
}

/** An answer the endpoint gives before Apollo sees the request: the body could not be read as a GraphQL request. */
class UnreadableBodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of a POST declared `application/json`; undefined for other requests (Apollo answers those itself). */
async function jsonBodyOf(req: IncomingMessage): Promise<unknown> {
  const { type, charset } = mediaTypeOf(req);
  if (req.method !== 'POST' || type !== 'application/json') {
    req.resume();
    return undefined;
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new UnreadableBodyError(415, `Content-Encoding ${encoding} is not supported: send the body uncompressed`);
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new UnreadableBodyError(415, `charset ${charset} is not supported: send UTF-8`);
  const raw = (await readBody(req, MAX_GRAPHQL_BODY_BYTES)).toString('utf8');
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new UnreadableBodyError(400, 'The body is not valid JSON');
  }
}

/** An answer in the shape of a GraphQL response, so that GraphQL clients show its message. */
function writeRequestError(res: ServerResponse, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  noteOutcome(res.req, 'BAD_REQUEST');
  writeJson(res, status, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }, extraHeaders);
}

/**
 * POST and GET /graphql on node:http, straight into Apollo's `executeHTTPGraphQLRequest`: what the
 * Express integration did (body parsing, headers, the answer) without the router, body-parser and
 * `res.send` (ETag) work every request paid for. CORS and no-store headers as before.
 */
export function createGraphQLEndpoint<TContext extends BaseContext>({ apollo, context, corsOrigins }: GraphQLEndpointOptions<TContext>): RequestListener {
  const allowCrossOrigin = corsOrigins.length ? cors({ origin: corsOrigins.includes('*') ? true : corsOrigins }) : null;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Answers hold token data, and some hold a secret shown only once: no browser or proxy may keep them.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('pragma', 'no-cache');
    const body = await jsonBodyOf(req);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: query === -1 ? '' : url.slice(query), body },
      context: () => context(req),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The rest of a refused body is not read (too large, or refused before reading): the connection closes after the answer.
    if (error instanceof BodyTooLargeError) writeRequestError(res, 413, error.message, { connection: 'close' });
    else if (error instanceof UnreadableBodyError) writeRequestError(res, error.status, error.message, error.status === 415 ? { connection: 'close' } : {});
    else {
      const requestId = recordOf(req)?.requestId;
      logger.error({ requestId, error: describeError(error) }, 'unexpected error');
      writeJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
    }
  };

  return (req, res) => {
    const run = () => void answer(req, res).catch((error: unknown) => fail(req, res, error));
    if (allowCrossOrigin) allowCrossOrigin(req, res, run);
    else run();
  };
}
