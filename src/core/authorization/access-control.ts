import { GraphQLFieldConfig, GraphQLSchema, defaultFieldResolver } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { AccessTarget } from './access-directives';
import { AppError, ErrorCode, badInput, forbidden, notFound, unauthenticated } from '../errors/app-error';
import { RequestContext } from '../context/request-context';
import { Role, roleAtLeast } from './role';
import { ResourcePath, namedResource } from './resource-path';
import { callerRoleOn } from './caller-role';
import { AccessTargetResolvers } from './access-targets';
import { scopesAllow } from './scopes';

/** The access rule declared on a root field by `@public`, `@authenticated` or `@requireRole`. */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'role'; role: Role; on: AccessTarget; arg?: string };

/** Reads the access rule a field declares with its directives; null when it declares none. */
export function accessRuleOf(schema: GraphQLSchema, field: Parameters<typeof getDirective>[1]): AccessRule | null {
  const requireRole = getDirective(schema, field, 'requireRole')?.[0];
  if (requireRole) return { kind: 'role', role: requireRole.role as Role, on: requireRole.on as AccessTarget, arg: requireRole.arg as string | undefined };
  if (getDirective(schema, field, 'authenticated')?.[0]) return { kind: 'authenticated' };
  if (getDirective(schema, field, 'public')?.[0]) return { kind: 'public' };
  return null;
}

function argAt(args: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), args);
}

interface Decision {
  /** What the caller was checked against, for the audit trail. */
  targetId?: string;
  organizationId?: string;
}

async function checkRoleOnPath(ctx: RequestContext, path: ResourcePath | null, role: Role, what: string): Promise<void> {
  if (!path) throw notFound(what);
  const held = await callerRoleOn(ctx, path);
  if (!held) throw notFound(what);
  if (!roleAtLeast(held, role)) throw forbidden(`Requires the ${role} role on this ${what.toLowerCase()}`);
}

async function enforce(targets: AccessTargetResolvers, rule: AccessRule, args: Record<string, unknown>, ctx: RequestContext, isMutation: boolean, decision: Decision): Promise<void> {
  if (rule.kind === 'public') return;
  const caller = ctx.caller;
  if (!caller) throw unauthenticated();
  if (!scopesAllow(caller.scopes, isMutation)) {
    throw forbidden(isMutation ? 'This access token may not change anything (its scopes allow reading only)' : 'This access token may not use the API');
  }
  if (rule.kind === 'authenticated') return;

  if (rule.on === AccessTarget.PLATFORM) {
    if (!caller.user.isPlatformAdmin) throw forbidden('Requires a platform admin');
    return;
  }
  const path = rule.arg ?? 'id';
  if (rule.on === AccessTarget.RESOURCE || rule.on === AccessTarget.RESOURCE_OR_SELF) {
    const named = namedResource(argAt(args, path), path);
    if (!named) {
      if (rule.on === AccessTarget.RESOURCE_OR_SELF) return;
      throw badInput(`${path}.organizationId`, 'give one of organizationId, groupId and projectId', 'exactlyOneResource');
    }
    decision.targetId = named.id;
    const resolved = await targets[named.type](ctx.db.manager, named.id);
    const resourcePath = resolved?.kind === 'resource' ? resolved.path : null;
    decision.organizationId = resourcePath?.organizationId;
    return checkRoleOnPath(ctx, resourcePath, rule.role, titleOf(named.type));
  }

  const id = argAt(args, path);
  if (id === undefined || id === null || id === '') throw badInput(path, 'is required', 'isNotEmpty');
  decision.targetId = String(id);
  const target = await targets[rule.on](ctx.db.manager, String(id));
  if (target?.kind === 'owner') {
    if (target.userId !== caller.user.id && !caller.user.isPlatformAdmin) throw notFound(target.what);
    return;
  }
  decision.organizationId = target?.path?.organizationId;
  return checkRoleOnPath(ctx, target?.path ?? null, rule.role, target?.what ?? titleOf(rule.on));
}

const titleOf = (name: string): string =>
  name === AccessTarget.ACCESS_TOKEN ? 'Access token' : name.charAt(0) + name.slice(1).toLowerCase();

/** What the access check needs from the domain, handed over by the composition root. */
export interface AccessRuleOptions {
  /** Finds the record each kind of `@requireRole` target names by id. */
  targets: AccessTargetResolvers;
  /** Audits a refused mutation (the audit trail keeps denied attempts too). */
  recordRefusal: (ctx: RequestContext, entry: { action: string; targetId: string | null; organizationId: string | null }, reason: string) => Promise<void>;
}

/**
 * The one place root-field access is decided: wraps every Query and Mutation field so that, before
 * its resolver runs, the field's access rule is read, the resource named in the arguments is found
 * and the caller's effective role there compared. A field without a rule is refused (fail closed).
 * Refused mutations are audited. Nested fields are not wrapped: they cost nothing extra.
 */
export function enforceAccessRules(schema: GraphQLSchema, { targets, recordRefusal }: AccessRuleOptions): GraphQLSchema {
  const guard = (typeName: string, fieldName: string, field: GraphQLFieldConfig<unknown, RequestContext>, isMutation: boolean): GraphQLFieldConfig<unknown, RequestContext> => {
    const rule = accessRuleOf(schema, field);
    const resolve = field.resolve ?? defaultFieldResolver;
    return {
      ...field,
      resolve: async (source, args, context, info) => {
        const decision: Decision = {};
        try {
          if (!rule) throw forbidden(`${typeName}.${fieldName} declares no access rule`);
          await enforce(targets, rule, args, context, isMutation, decision);
          return await resolve(source, args, context, info);
        } catch (error) {
          if (isMutation && error instanceof AppError && error.code !== ErrorCode.BAD_USER_INPUT) {
            await recordRefusal(context, { action: fieldName, targetId: decision.targetId ?? null, organizationId: decision.organizationId ?? null }, error.code);
          }
          throw error;
        }
      },
    };
  };
  const mutationType = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.ROOT_FIELD]: (field, fieldName, typeName) => guard(typeName, fieldName, field as GraphQLFieldConfig<unknown, RequestContext>, typeName === mutationType),
  });
}
