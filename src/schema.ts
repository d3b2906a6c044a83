import { GraphQLSchema, lexicographicSortSchema } from 'graphql';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema } from 'type-graphql';
import { ACCESS_DIRECTIVES } from './core/authorization/access-directives';
import { enforceAccessRules } from './core/authorization/access-control';
import { AuditResolver } from './core/audit/audit.resolver';
import {
  AccessTokenResolver,
  GroupAccessTokensResolver,
  OrganizationAccessTokensResolver,
  ProjectAccessTokensResolver,
  ViewerAccessTokensResolver,
} from './modules/access-token/access-token.resolver';
import { GroupResolver } from './modules/group/group.resolver';
import { MembershipResolver } from './modules/membership/membership.resolver';
import { OrganizationResolver } from './modules/organization/organization.resolver';
import { ProjectResolver } from './modules/project/project.resolver';
import { SessionResolver } from './modules/session/session.resolver';
import { OrganizationTokenPolicyResolver, TokenPolicyResolver } from './modules/token-policy/token-policy.resolver';
import { AccessTokenUsageResolver, ViewerAccessTokenResolver } from './modules/token-usage/usage.resolver';
import { UserResolver, ViewerResolver } from './modules/user/user.resolver';

const RESOLVERS = [
  ViewerResolver,
  UserResolver,
  SessionResolver,
  OrganizationResolver,
  GroupResolver,
  ProjectResolver,
  MembershipResolver,
  AuditResolver,
  AccessTokenResolver,
  ViewerAccessTokensResolver,
  OrganizationAccessTokensResolver,
  GroupAccessTokensResolver,
  ProjectAccessTokensResolver,
  TokenPolicyResolver,
  OrganizationTokenPolicyResolver,
  AccessTokenUsageResolver,
  ViewerAccessTokenResolver,
] as const;

/** Builds the code-first schema: class-validator on every input, access rules enforced on every root field. */
export async function buildTesseraSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    directives: ACCESS_DIRECTIVES,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
  return enforceAccessRules(schema);
}

/** The SDL committed as schema.graphql: sorted, with directive usages. */
export function printTesseraSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;
}
