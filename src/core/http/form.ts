import { IncomingMessage, ServerResponse } from 'node:http';
import { noteOutcome } from '../observability/request-record';

/** The largest form body the OAuth endpoints read. */
export const MAX_FORM_BYTES = 10 * 1024;

/** A body over the endpoint's limit (MAX_FORM_BYTES for forms): answer 413 (see `writeTooLarge`). */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes = MAX_FORM_BYTES) {
    super(`The body exceeds ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Writes a JSON answer of a lean endpoint (an OAuth `error` is the request's outcome), never to be cached: token responses must not be (RFC 6749 §5.1). */
export function writeJson(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (typeof body.error === 'string') noteOutcome(res.req, body.error);
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(json);
}

/** 413 for a body over the limit; the connection closes, as the rest of the body is not read. */
export function writeTooLarge(res: ServerResponse, maxBytes = MAX_FORM_BYTES): void {
  writeJson(res, 413, { error: 'invalid_request', error_description: `The body exceeds ${maxBytes} bytes` }, { connection: 'close' });
}

/** 429 with an RFC 6749 §5.2-style body and Retry-After: the caller should slow down. */
export function writeSlowDown(res: ServerResponse, waitSeconds: number): void {
  writeJson(res, 429, { error: 'slow_down', error_description: `Too many refused attempts: retry in ${waitSeconds} s` }, { 'retry-after': String(waitSeconds) });
}

/** The declared media type of a request body (lower case: media types are case-insensitive) and its charset parameter, if any. */
export function mediaTypeOf(req: IncomingMessage): { type: string; charset?: string } {
  const [type, ...parameters] = (req.headers['content-type'] ?? '').split(';');
  const charset = parameters.map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(parameter)?.[1]).find(Boolean);
  return { type: type.trim().toLowerCase(), charset: charset?.toLowerCase() };
}

/** Whether the request body is declared form-encoded (parameters such as charset are allowed). */
export const isFormEncoded = (req: IncomingMessage): boolean => mediaTypeOf(req).type === 'application/x-www-form-urlencoded';

/** Whether the request body is declared JSON (parameters such as charset are allowed). */
export const isJson = (req: IncomingMessage): boolean => mediaTypeOf(req).type === 'application/json';

/**
 * The form-encoded body of a request, or null when it is not `application/x-www-form-urlencoded`.
 * Rejects with BodyTooLargeError past MAX_FORM_BYTES (declared or received).
 */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  if (!isFormEncoded(req)) {
    req.resume();
    return null;
  }
  return new URLSearchParams((await readBody(req, MAX_FORM_BYTES)).toString('utf8'));
}

/** The body of a request; rejects with BodyTooLargeError past `maxBytes` (declared or received). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      reject(new BodyTooLargeError(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
