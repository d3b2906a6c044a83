import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from '../../src/core/errors/app-error';
import { formatError, isExpectedError } from '../../src/core/errors/format-error';

const formatted = (message: string) => ({ message, path: ['createThing'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
const asResolverError = (error: Error) => new GraphQLError(error.message, { path: ['createThing'], originalError: error });

describe('formatError, the one place errors become extensions.code', () => {
  it('keeps a domain error\'s code and fields', () => {
    const error = new AppError(ErrorCode.NOT_FOUND, 'Group not found');
    expect(formatError(formatted('x'), asResolverError(error))).toMatchObject({ message: 'Group not found', extensions: { code: 'NOT_FOUND' } });
  });

  it.each([
    ['MySQL/MariaDB', { code: 'ER_DUP_ENTRY', errno: 1062 }],
    ['SQLite', { code: 'SQLITE_CONSTRAINT_UNIQUE' }],
  ])('turns a %s unique-index violation (a lost race) into CONFLICT', (_dialect, driverFields) => {
    const error = new QueryFailedError('INSERT INTO memberships …', [], Object.assign(new Error('duplicate'), driverFields));
    expect(formatError(formatted('duplicate'), asResolverError(error)).extensions).toEqual({ code: 'CONFLICT' });
  });

  it('reports a document over the token limit (graphql-js stops parsing) as BAD_USER_INPUT naming the limit', () => {
    const error = new GraphQLError('Syntax Error: Document contains more that 2000 tokens. Parsing aborted.', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    const result = formatError({ message: error.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, error);
    expect(result).toMatchObject({ message: 'Query too large: more than 2000 tokens', extensions: { code: 'BAD_USER_INPUT', limit: 'maxTokens' } });
    expect(isExpectedError(error)).toBe(true);
  });

  it('gives BAD_REQUEST to the client errors Apollo raises with a 4xx status and no code (persisted queries)', () => {
    const error = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    expect(formatError({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error)).toEqual({ message: error.message, extensions: { code: 'BAD_REQUEST' } });
    expect(isExpectedError(error)).toBe(true);
    expect(isExpectedError(new GraphQLError('boom'))).toBe(false);
  });

  it('masks anything else as INTERNAL_SERVER_ERROR without its message or stack', () => {
    const error = new Error('connect ECONNREFUSED 10.0.0.5:3306 password=hunter2');
    const result = formatError({ ...formatted(error.message), extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, asResolverError(error));
    expect(result).toEqual({ message: 'Internal server error', path: ['createThing'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
