import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ValidationError } from 'class-validator';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode, FieldError } from './app-error';
import { isDatabaseUnavailable } from './service-unavailable';

// What graphql-js and Apollo raise before any resolver runs (ApolloServerErrorCode), plus the
// 401/429 the context raises for a bad bearer token and its 503 when the database does not answer.
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVICE_UNAVAILABLE,
]);

/** graphql-js's parser stopping at `parseOptions.maxTokens` (see app.ts). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/**
 * The code of an error raised before any resolver ran. Apollo raises a few client errors with no
 * code, marked only by a 4xx status (a persisted-query hash that does not match its query, an
 * unsupported persisted-query version): those are BAD_REQUEST.
 */
function requestErrorCode(error: GraphQLError): string | undefined {
  if (error.extensions.code !== undefined) return String(error.extensions.code);
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500 ? 'BAD_REQUEST' : undefined;
}

/** Flattens class-validator's nested errors into `input.name`-style field paths. */
export function validationFields(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({ field, constraint, message }));
    return [...own, ...validationFields(error.children ?? [], field)];
  });
}

/**
 * Errors a client caused and may see as they are: domain errors, input validation, and
 * graphql-js/Apollo request errors (parse, validation, variable coercion) raised before any resolver ran.
 */
export function isExpectedError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  // A database that does not answer is the operator's concern, told by /readyz and the driver's own log lines, not one log line per request.
  if (original instanceof AppError || isUniqueViolation(original) || isDatabaseUnavailable(original)) return true;
  return error instanceof GraphQLError && error.path === undefined && REQUEST_ERROR_CODES.has(requestErrorCode(error) ?? '');
}

/** A unique index refused an insert or update (MySQL/MariaDB ER_DUP_ENTRY, SQLite UNIQUE constraint). */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; errno?: number } | undefined;
  return driverError?.code === 'ER_DUP_ENTRY' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' || driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The input path graphql-js names when a variable does not fit its type, e.g.
 * `Variable "$input" got invalid value 1 at "input.name"; …` → `input.name`.
 */
function coercionField(message: string): string | null {
  const match = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"/.exec(message) ?? /^Variable "\$(\w+)"/.exec(message);
  return match ? (match[2] ?? match[1]) : null;
}

/**
 * The one place errors become `extensions.code`: AppErrors (input validation included, see
 * validate-args.ts) keep their code and fields, a database that does not answer is
 * SERVICE_UNAVAILABLE, request errors pass through (a document over the
 * token limit as BAD_USER_INPUT with `limit: maxTokens`, like the other limits),
 * and anything else is masked as INTERNAL_SERVER_ERROR (the server logs it with the request id).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (isUniqueViolation(original)) {
    // A concurrent request won the race for the same unique value; the check before the insert missed it.
    return { ...base, message: 'This conflicts with a record created at the same moment; retry to see it', extensions: { code: ErrorCode.CONFLICT } };
  }
  if (isDatabaseUnavailable(original)) {
    // serviceUnavailableStatus (service-unavailable.ts) makes the answer a 503 with Retry-After.
    return { ...base, message: 'The database is not answering; retry shortly', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
  }
  if (original instanceof AppError) {
    const { fields, retryAfterSeconds } = original.details;
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(fields ? { fields } : {}),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      },
    };
  }
  if (isExpectedError(error)) {
    const tokenLimit = TOKEN_LIMIT.exec(formatted.message);
    if (tokenLimit) return { ...base, message: `Query too large: more than ${tokenLimit[1]} tokens`, extensions: { code: ErrorCode.BAD_USER_INPUT, limit: 'maxTokens' } };
    const { stacktrace: _stacktrace, ...rest } = formatted.extensions ?? {};
    const extensions: Record<string, unknown> = { ...rest, code: requestErrorCode(error as GraphQLError) };
    const field = extensions.code === ErrorCode.BAD_USER_INPUT && !extensions.fields ? coercionField(formatted.message) : null;
    return { ...formatted, extensions: field ? { ...extensions, fields: [{ field, message: formatted.message }] } : extensions };
  }
  return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
