import { describeError, logger } from '../logging/logger';

/**
 * Runs `task` every `intervalMs` (and once at once when `immediately`) until the returned function
 * is called; a failure is logged and the next run tries again. Every instance runs its own, so a
 * task must be idempotent across instances. The timer never keeps the process alive.
 */
export function runEvery(name: string, intervalMs: number, task: () => Promise<unknown>, { immediately = false } = {}): () => void {
  const run = () => {
    task().catch((error: unknown) => logger.warn({ error: describeError(error) }, `${name} failed`));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  if (immediately) run();
  return () => clearInterval(timer);
}
