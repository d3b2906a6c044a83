import type DataLoader from 'dataloader';
import { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config/config';
import type { ResourceType, Role } from '../authorization/role';
import { unauthenticated } from '../errors/app-error';

/**
 * The account behind a request, as core sees it. The composition root widens it to the user
 * entity by declaration merging, so modules get the whole record and core depends on no module.
 */
export interface CallerAccount {
  id: string;
  isPlatformAdmin: boolean;
}

/** Who is calling, and through what. */
export interface Caller {
  user: CallerAccount;
  /** The sign-in session used, when the caller sent a session token. */
  sessionId: string | null;
  /** The access token used, when the caller sent one. */
  accessTokenId: string | null;
  /** That access token's scopes; null for a session, which no scope limits. */
  scopes: string[] | null;
}

/** A role a user holds on one resource, as the access check reads it. */
export interface RoleGrant {
  resourceType: ResourceType;
  resourceId: string;
  role: Role;
}

/**
 * The services of one server, by name. Core declares none: the composition root (`src/services.ts`)
 * merges in what it wires, so `ctx.services.x` is typed for modules without core importing them.
 */
export interface ServiceRegistry {}

/**
 * The per-request DataLoaders, by name. Core needs only the caller's roles; the composition root
 * (`src/loaders.ts`) merges in the rest.
 */
export interface LoaderRegistry {
  /** All of a user's memberships: the caller's roles, read by every access check. */
  membershipsByUser: DataLoader<string, RoleGrant[]>;
}

/** Everything a resolver and a service need for one request; built per request, never shared. */
export interface RequestContext {
  requestId: string;
  clientAddress: string | null;
  caller: Caller | null;
  db: DataSource;
  config: AppConfig;
  services: ServiceRegistry;
  loaders: LoaderRegistry;
  /** Runs `work` in one database transaction (serialised on SQLite, which has a single writer). */
  transaction: <T>(work: (tx: EntityManager) => Promise<T>) => Promise<T>;
}

/** The signed-in caller, or UNAUTHENTICATED; for services behind `@authenticated` or `@requireRole`. */
export function requireCaller(ctx: RequestContext): Caller {
  if (!ctx.caller) throw unauthenticated();
  return ctx.caller;
}
