import { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config/config';
import { unauthenticated } from '../errors/app-error';
import type { Loaders } from '../../loaders';
import type { Services } from '../../services';
import type { UserEntity } from '../../modules/user/user.entity';

/** Who is calling, and through what. */
export interface Caller {
  user: UserEntity;
  /** The sign-in session used, when the caller sent a session token. */
  sessionId: string | null;
  /** The access token used, when the caller sent one. */
  accessTokenId: string | null;
  /** That access token's scopes; null for a session, which no scope limits. */
  scopes: string[] | null;
}

/** Everything a resolver and a service need for one request; built per request, never shared. */
export interface RequestContext {
  requestId: string;
  clientAddress: string | null;
  caller: Caller | null;
  db: DataSource;
  config: AppConfig;
  services: Services;
  loaders: Loaders;
  /** Runs `work` in one database transaction (serialised on SQLite, which has a single writer). */
  transaction: <T>(work: (tx: EntityManager) => Promise<T>) => Promise<T>;
}

/** The signed-in caller, or UNAUTHENTICATED; for services behind `@authenticated` or `@requireRole`. */
export function requireCaller(ctx: RequestContext): Caller {
  if (!ctx.caller) throw unauthenticated();
  return ctx.caller;
}
