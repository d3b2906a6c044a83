import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ServerResponse } from 'node:http';
import { writeJson } from '../http/form';
import { ErrorCode } from './app-error';

/** The `code` of the errors the database guard raises (src/database/stall-guard.ts). */
export const DATABASE_UNAVAILABLE = 'TESSERA_DB_UNAVAILABLE';

/** How long a client is asked to wait (Retry-After) when the database does not answer. */
export const RETRY_AFTER_SECONDS = 5;

/** No connection, or no answer, from the database within its limits. */
export class DatabaseUnavailableError extends Error {
  readonly code = DATABASE_UNAVAILABLE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

type Wrapped = { code?: unknown; fatal?: unknown; driverError?: unknown; originalError?: unknown };

/**
 * Whether an error (as TypeORM or GraphQL wraps it) means the database could not be used: the
 * guard's timeouts, a refused or lost connection (mysql2 marks those `fatal`), a full pool queue.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error as Wrapped | undefined, depth = 0; current && depth < 4; depth++) {
    if (current.code === DATABASE_UNAVAILABLE || current.fatal === true) return true;
    current = (current.driverError ?? current.originalError) as Wrapped | undefined;
  }
  return false;
}

const retryAfter = (): [string, string] => ['retry-after', String(RETRY_AFTER_SECONDS)];

/** A 503 raised before any resolver runs (authentication needs the database). */
export const serviceUnavailable = (): GraphQLError =>
  new GraphQLError('The database is not answering; retry shortly', {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: 503, headers: new Map([retryAfter()]) } },
  });

/** GraphQL answers whose errors include SERVICE_UNAVAILABLE (see formatError) are sent as 503 with Retry-After. */
export const serviceUnavailableStatus = (): ApolloServerPlugin => ({
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        if (!response.body.singleResult.errors?.some((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) return;
        response.http.status = 503;
        response.http.headers.set(...retryAfter());
      },
    };
  },
});

/** The OAuth endpoints' answer when the database does not answer: 503, RFC 6749 §5.2-style `temporarily_unavailable`. */
export function writeTemporarilyUnavailable(res: ServerResponse): void {
  writeJson(res, 503, { error: 'temporarily_unavailable', error_description: 'The database is not answering; retry shortly' }, Object.fromEntries([retryAfter()]));
}
