/** The codes a client can see in `extensions.code`; see docs/ERRORS.md. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** The database does not answer (stalled, down or saturated): retry later; HTTP 503. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** One failing input field: its path in the input and what was wrong with it. */
export interface FieldError {
  field: string;
  message: string;
  constraint?: string;
}

/**
 * A domain failure the client may see. Domain code throws these; `formatError` maps them to
 * `extensions.code`, and everything that is not an AppError is logged and masked.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fields?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'Authentication required'): AppError =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = 'Not allowed'): AppError => new AppError(ErrorCode.FORBIDDEN, message);

/** Used both for records that do not exist and for records outside the caller's reach. */
export const notFound = (what: string): AppError => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);

export const conflict = (message: string, field?: string): AppError =>
  new AppError(ErrorCode.CONFLICT, message, field ? { fields: [{ field, message }] } : {});

export const badInput = (field: string, message: string, constraint?: string): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, `Invalid ${field}: ${message}`, {
    fields: [{ field, message, ...(constraint ? { constraint } : {}) }],
  });

export const rateLimited = (retryAfterSeconds: number): AppError =>
  new AppError(ErrorCode.RATE_LIMITED, `Too many attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
