import { Logger } from 'typeorm';
import { logger } from './logger';

/**
 * TypeORM's messages through the process logger. Statement parameters are never written (they hold
 * digests and user input). A failed statement is a debug line: the caller decides whether it was
 * expected (a unique key race) or is logged as an unexpected error with its request id.
 */
export const typeormLogger: Logger = {
  logQuery: (query) => logger.trace({ query }, 'query'),
  logQueryError: (error, query) => logger.debug({ query, error: typeof error === 'string' ? error : error.message }, 'query failed'),
  logQuerySlow: (time, query) => logger.warn({ query, durationMs: time }, 'slow query'),
  logSchemaBuild: (message) => logger.debug({ detail: message }, 'schema build'),
  logMigration: (message) => logger.info({ detail: message }, 'migration'),
  log: (level, message) => (level === 'warn' ? logger.warn({ detail: String(message) }, 'typeorm') : logger.debug({ detail: String(message) }, 'typeorm')),
};
