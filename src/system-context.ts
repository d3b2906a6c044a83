import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from './core/config/config';
import { RequestContext } from './core/context/request-context';
import { createTransactionRunner } from './core/database/transaction';
import { createLoaders } from './loaders';
import { Services } from './services';

/** Who acts without a caller: the server on its own (sweeps), or an operator's `tessera` command. */
export type SystemActor = 'system' | 'cli';

/**
 * The context of an action nobody requested over the API: no caller, so it is audited as the
 * system, with a request id (`system:<uuid>` or `cli:<uuid>`) that tells where it came from.
 */
export function systemContext(db: DataSource, config: AppConfig, services: Services, actor: SystemActor = 'system'): RequestContext {
  return {
    requestId: `${actor}:${randomUUID()}`,
    clientAddress: null,
    caller: null,
    db,
    config,
    services,
    loaders: createLoaders(db),
    transaction: createTransactionRunner(db),
  };
}
