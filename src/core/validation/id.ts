/**
 * The shape of every id the API hands out: a UUID as src/core/database/ids.ts makes them, in
 * lowercase (36 characters, the id columns' length). Anything else names no record; refusing it
 * up front keeps it out of queries and audit rows, and keeps MySQL's case-insensitive comparison
 * from finding a record that SQLite would not.
 */
const ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isId = (value: unknown): value is string => typeof value === 'string' && ID_SHAPE.test(value);
