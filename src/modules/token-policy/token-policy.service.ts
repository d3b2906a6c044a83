import { EntityManager } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { Scope } from '../access-token/access-token.scopes';
import { RequestContext } from '../../core/context/request-context';
import { badInput } from '../../core/errors/app-error';
import { normalizeAddressList } from '../../core/http/address-ranges';
import { TokenPolicyEntity } from './token-policy.entity';
import { SetTokenPolicyInput } from './token-policy.types';

/** Organization token policies: maximum lifetime, required expiry, allowed scopes, revocation of unused tokens. */
export class TokenPolicyService {
  constructor(private readonly audit: AuditService) {}

  /** The organization's policy, or null when it never set one (no limits). */
  find(em: EntityManager, organizationId: string): Promise<TokenPolicyEntity | null> {
    return em.findOne(TokenPolicyEntity, { where: { organizationId } });
  }

  async set(ctx: RequestContext, input: SetTokenPolicyInput): Promise<TokenPolicyEntity> {
    const catalogue = Object.values(Scope) as string[];
    const unknown = (input.allowedScopes ?? []).filter((scope) => !catalogue.includes(scope));
    if (unknown.length) throw badInput('input.allowedScopes', `unknown scopes: ${unknown.join(', ')}`, 'scopeCatalogue');
    const addressRanges = input.allowedAddressRanges ? normalizeAddressList(input.allowedAddressRanges, 'input.allowedAddressRanges') : null;
    return ctx.transaction(async (tx) => {
      const policy = Object.assign(new TokenPolicyEntity(), {
        organizationId: input.organizationId,
        maxLifetimeDays: input.maxLifetimeDays ?? null,
        requireExpiry: input.requireExpiry ?? false,
        revokeUnusedAfterDays: input.revokeUnusedAfterDays ?? null,
        maxRotationOverlapSeconds: input.maxRotationOverlapSeconds ?? 0,
        allowedScopeList: input.allowedScopes ? [...new Set(input.allowedScopes)].join(' ') : null,
        requireAllowedAddresses: input.requireAllowedAddresses ?? false,
        allowedAddressRangeList: addressRanges?.join(' ') ?? null,
      });
      await tx.save(policy);
      await this.audit.record(tx, ctx, {
        action: 'setTokenPolicy',
        targetType: 'TokenPolicy',
        targetId: input.organizationId,
        organizationId: input.organizationId,
        detail: { maxLifetimeDays: policy.maxLifetimeDays, requireExpiry: policy.requireExpiry, revokeUnusedAfterDays: policy.revokeUnusedAfterDays, maxRotationOverlapSeconds: policy.maxRotationOverlapSeconds, allowedScopes: input.allowedScopes ?? null, requireAllowedAddresses: policy.requireAllowedAddresses, allowedAddressRanges: addressRanges },
      });
      return policy;
    });
  }

  /** Removes the policy of an organization that is being deleted. */
  async deleteForOrganizations(tx: EntityManager, organizationIds: string[]): Promise<void> {
    for (const organizationId of organizationIds) await tx.delete(TokenPolicyEntity, { organizationId });
  }
}
