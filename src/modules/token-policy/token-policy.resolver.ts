import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessTarget, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs } from '../../core/pagination/connection';
import { AccessTokenConnection } from '../access-token/access-token.types';
import { OrganizationEntity } from '../organization/organization.entity';
import { TokenPolicyEntity } from './token-policy.entity';
import { SetTokenPolicyInput, TokenPolicyPayload } from './token-policy.types';

@Resolver(() => TokenPolicyEntity)
export class TokenPolicyResolver {
  @RequireRole(Role.ADMIN, AccessTarget.ORGANIZATION, 'input.organizationId')
  @Mutation(() => TokenPolicyPayload, { description: "Sets the organization's token policy for its organization, group and project tokens (its ADMINs)." })
  async setTokenPolicy(@Ctx() ctx: RequestContext, @Arg('input', () => SetTokenPolicyInput, { description: 'The policy.' }) input: SetTokenPolicyInput): Promise<TokenPolicyPayload> {
    return { tokenPolicy: await ctx.services.tokenPolicies.set(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.ORGANIZATION, 'organizationId')
  @Query(() => AccessTokenConnection, {
    description: "Dry run of the organization's `revokeUnusedAfterDays`: its live tokens that the next stale-token sweep revokes, newest first; empty without that rule (its ADMINs).",
  })
  staleAccessTokens(@Ctx() ctx: RequestContext, @Arg('organizationId', () => ID, { description: 'The organization.' }) organizationId: string, @Args() page: ConnectionArgs) {
    return ctx.services.staleTokens.listStale(ctx, organizationId, page);
  }

  @FieldResolver(() => ID, { description: "A stable identity for client caches (Apollo's `TokenPolicy:<id>`): its organization's id, as an organization has one policy." })
  id(@Root() policy: TokenPolicyEntity): string {
    return policy.organizationId;
  }

  @FieldResolver(() => [String], { nullable: true, description: 'Scopes tokens may carry; null allows every scope their level offers.' })
  allowedScopes(@Root() policy: TokenPolicyEntity): string[] | null {
    return policy.allowedScopeList ? policy.allowedScopeList.split(' ') : null;
  }

  @FieldResolver(() => [String], { nullable: true, description: "CIDR ranges every entry of a token's address allowlist must lie inside (normalised); null for no bound." })
  allowedAddressRanges(@Root() policy: TokenPolicyEntity): string[] | null {
    return policy.allowedAddressRangeList ? policy.allowedAddressRangeList.split(' ') : null;
  }
}

@Resolver(() => OrganizationEntity)
export class OrganizationTokenPolicyResolver {
  @FieldResolver(() => TokenPolicyEntity, { nullable: true, description: "The organization's token policy; null when it has none (no limits)." })
  tokenPolicy(@Ctx() ctx: RequestContext, @Root() organization: OrganizationEntity): Promise<TokenPolicyEntity | null> {
    return ctx.services.tokenPolicies.find(ctx.db.manager, organization.id);
  }
}
