import { setTimeout as sleep } from 'node:timers/promises';

// MySQL/MariaDB error numbers of a transaction the server rolled back to break a lock cycle or a long wait.
const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_LOCK_DEADLOCK = 1213;

/** Whether the database rolled the transaction back because of lock contention (worth one more try). */
export function isLockConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number } } | null)?.driverError ?? (error as { errno?: number } | null);
  return driverError?.errno === ER_LOCK_DEADLOCK || driverError?.errno === ER_LOCK_WAIT_TIMEOUT;
}

/**
 * Runs a whole transaction again when MySQL chose it as a deadlock victim or its lock wait timed
 * out (a short random pause first), up to `attempts` times; other errors pass through at once.
 */
export async function retryOnLockConflict<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isLockConflict(error)) throw error;
      await sleep(5 + Math.floor(Math.random() * 20 * attempt));
    }
  }
}
