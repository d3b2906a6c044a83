import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../src/core/config/config';
import { RequestContext } from '../../src/core/context/request-context';
import { createTransactionRunner } from '../../src/core/database/transaction';
import { createLoaders } from '../../src/loaders';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { RunningServer } from '../../src/server';

const DAY_MS = 86_400_000;

/** A context without a caller, as the server's own sweeps get (`config` to try other platform settings). */
export const systemContext = (server: RunningServer, config: AppConfig): RequestContext => ({
  requestId: `system:${randomUUID()}`,
  clientAddress: null,
  caller: null,
  db: server.db,
  config,
  services: server.services,
  loaders: createLoaders(server.db),
  transaction: createTransactionRunner(server.db),
});

/** Makes a token look created `createdDaysAgo` days ago and last used `usedDaysAgo` days ago (null: never). */
export async function ageToken(server: RunningServer, id: string, createdDaysAgo: number, usedDaysAgo: number | null): Promise<void> {
  const now = Date.now();
  await server.db.manager.update(AccessTokenEntity, { id }, { createdAt: new Date(now - createdDaysAgo * DAY_MS), lastUsedAt: usedDaysAgo === null ? null : new Date(now - usedDaysAgo * DAY_MS) });
}
