import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema } from 'graphql';
import { MapperKind, mapSchema, printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema } from 'type-graphql';
import { ACCESS_DIRECTIVES } from './core/authorization/access-directives';
import { enforceAccessRules } from './core/authorization/access-control';
import { AccessTargetResolvers } from './core/authorization/access-targets';
import { resolveTypesSynchronously } from './core/graphql/type-resolution';
import { refuseMalformedArguments, validateArgs } from './core/graphql/validate-args';
import { AuditResolver, ViewerAuditResolver } from './modules/audit/audit.resolver';
import {
  AccessTokenConnectionResolver,
  AccessTokenResolver,
  GroupAccessTokensResolver,
  OrganizationAccessTokensResolver,
  ProjectAccessTokensResolver,
  ViewerAccessTokensResolver,
} from './modules/access-token/access-token.resolver';
import { accessTokenAccessTarget } from './modules/access-token/access-token.access-target';
import { GroupResolver } from './modules/group/group.resolver';
import { membershipAccessTarget } from './modules/membership/membership.access-target';
import { MembershipConnectionResolver, MembershipResolver } from './modules/membership/membership.resolver';
import { OAuthClientResolver } from './modules/oauth-client/oauth-client.resolver';
import { OrganizationResolver } from './modules/organization/organization.resolver';
import { ProjectResolver } from './modules/project/project.resolver';
import { RESOURCE_ACCESS_TARGETS } from './modules/resource-hierarchy/resource-hierarchy';
import { SessionResolver } from './modules/session/session.resolver';
import { OrganizationTokenPolicyResolver, TokenPolicyResolver } from './modules/token-policy/token-policy.resolver';
import { AccessTokenUsageResolver, ViewerAccessTokenResolver } from './modules/token-usage/usage.resolver';
import { AuditEventActorResolver, AuditEventConnectionResolver, UserResolver, ViewerResolver } from './modules/user/user.resolver';
import { webhookEndpointAccessTarget } from './modules/webhooks/webhook-endpoint.access-target';
import { WebhookResolver } from './modules/webhooks/webhook.resolver';

const RESOLVERS = [
  ViewerResolver,
  UserResolver,
  AuditEventActorResolver,
  AuditEventConnectionResolver,
  SessionResolver,
  OrganizationResolver,
  GroupResolver,
  ProjectResolver,
  MembershipResolver,
  MembershipConnectionResolver,
  AuditResolver,
  ViewerAuditResolver,
  AccessTokenResolver,
  AccessTokenConnectionResolver,
  ViewerAccessTokensResolver,
  OrganizationAccessTokensResolver,
  GroupAccessTokensResolver,
  ProjectAccessTokensResolver,
  TokenPolicyResolver,
  OrganizationTokenPolicyResolver,
  AccessTokenUsageResolver,
  ViewerAccessTokenResolver,
  OAuthClientResolver,
  WebhookResolver,
] as const;

/** Who owns each record that `@requireRole` can name by id. */
const ACCESS_TARGETS: AccessTargetResolvers = {
  ...RESOURCE_ACCESS_TARGETS,
  MEMBERSHIP: membershipAccessTarget,
  ACCESS_TOKEN: accessTokenAccessTarget,
  WEBHOOK_ENDPOINT: webhookEndpointAccessTarget,
};

/**
 * Builds the code-first schema: malformed ids and text refused first, then access rules enforced on
 * every root field, then class-validator on every input; interfaces and unions resolve synchronously.
 */
export async function buildTesseraSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    directives: ACCESS_DIRECTIVES,
    validateFn: validateArgs,
  });
  const guarded = enforceAccessRules(schema, {
    targets: ACCESS_TARGETS,
    recordRefusal: (ctx, entry, reason) => ctx.services.audit.recordRefusal(ctx, entry, reason),
  });
  return describeRootTypes(resolveTypesSynchronously(refuseMalformedArguments(guarded)));
}

const ROOT_DESCRIPTIONS: Record<string, string> = {
  Query: 'Reads. Each field declares who may call it with @public, @authenticated or @requireRole.',
  Mutation: 'Writes, each in one transaction with an audit event. Each field declares who may call it with @public, @authenticated or @requireRole.',
};

// type-graphql offers no description for the root types; Sandbox shows these.
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.ROOT_OBJECT]: (type) => new GraphQLObjectType({ ...type.toConfig(), description: ROOT_DESCRIPTIONS[type.name] }),
  });
}

/** The SDL committed as schema.graphql: sorted, with directive usages. */
export function printTesseraSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;
}
