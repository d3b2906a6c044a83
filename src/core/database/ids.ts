import { v7 as uuidv7 } from 'uuid';

/**
 * A UUIDv7 (RFC 9562): time-ordered, so primary keys double as a stable creation order for
 * keyset pagination on every dialect. The `uuid` package keeps a counter within one millisecond
 * (RFC 9562 §6.2, method 1), so ids made by this process never go backwards.
 */
export function newId(): string {
  return uuidv7();
}
