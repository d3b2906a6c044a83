import { EntityManager } from 'typeorm';
import { AuditService } from '../../../core/audit/audit.service';
import { callerRoleOn } from '../../../core/authorization/caller-role';
import { ResourcePath, namedResource } from '../../../core/authorization/resource-path';
import { ResourceType, Role } from '../../../core/authorization/role';
import { RequestContext, requireCaller } from '../../../core/context/request-context';
import { badInput, forbidden, notFound } from '../../../core/errors/app-error';
import { normalizeAddressList } from '../../../core/http/address-ranges';
import { MembershipEntity } from '../../membership/membership.entity';
import { resolveResourcePath } from '../../resource-hierarchy/resource-hierarchy';
import { SessionService } from '../../session/session.service';
import { TokenPolicyService } from '../../token-policy/token-policy.service';
import { UserEntity, UserKind, UserStatus } from '../../user/user.entity';
import { AccessTokenKind, AccessTokenLevel } from '../access-token.entity';
import { AccessTokenIssuer, IssuedAccessToken } from '../access-token.issuer';
import { checkAllowedAddresses, checkRole, checkScopes, resolveExpiry } from '../access-token.policy';
import { mintingTokenOf, reenterPassword } from '../access-token.records';
import { CreateAccessTokenInput } from '../dto/create-access-token.input';

/**
 * Issuing rules of a token kind that needs more than the common ones (CLIENT tokens: an OAuth
 * client, its access-token lifetime, and a refresh token), registered with `registerKind`.
 */
export interface TokenKindIssuer {
  /** Checks the kind's input before anything is written; returns the access token's expiry. */
  prepare(ctx: RequestContext, input: CreateAccessTokenInput): Promise<{ expiresAt: Date | null }>;
  /** Runs in the create transaction once the access token is inserted; returns what the caller gets. */
  issued(tx: EntityManager, ctx: RequestContext, issued: IssuedAccessToken, input: CreateAccessTokenInput): Promise<IssuedAccessToken>;
}

const LEVEL_OF_RESOURCE: Record<ResourceType, AccessTokenLevel> = {
  [ResourceType.ORGANIZATION]: AccessTokenLevel.ORGANIZATION,
  [ResourceType.GROUP]: AccessTokenLevel.GROUP,
  [ResourceType.PROJECT]: AccessTokenLevel.PROJECT,
};

/** Longest technical-user name taken from the token's name, in characters (code points). */
const TECHNICAL_NAME_LENGTH = 80;

/**
 * Creates access tokens at four levels; a resource token gets a technical user holding its role.
 * Access to the mutation is decided by its `@requireRole` rule; this adds the rules that depend on
 * the request's content (role ceiling, scopes, expiry, password re-entry).
 */
export class CreateAccessTokenService {
  private readonly kindIssuers = new Map<AccessTokenKind, TokenKindIssuer>();

  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly policies: TokenPolicyService,
  ) {}

  /** Hands the kind-specific part of `create` for `kind` to `issuer`. */
  registerKind(kind: AccessTokenKind, issuer: TokenKindIssuer): void {
    this.kindIssuers.set(kind, issuer);
  }

  async create(ctx: RequestContext, input: CreateAccessTokenInput): Promise<IssuedAccessToken> {
    const caller = requireCaller(ctx);
    const resource = namedResource(input);
    const level = resource ? LEVEL_OF_RESOURCE[resource.type] : AccessTokenLevel.PERSONAL;
    const kind = input.kind ?? AccessTokenKind.ACCESS;
    if ((kind === AccessTokenKind.EXPOSE || kind === AccessTokenKind.CLIENT) && level !== AccessTokenLevel.PERSONAL) throw badInput('input.kind', `${kind} tokens are personal`, 'personalOnly');
    if (kind !== AccessTokenKind.CLIENT && input.oauthClientId != null) throw badInput('input.oauthClientId', 'only CLIENT tokens have an OAuth client', 'clientOnly');
    if (kind !== AccessTokenKind.CLIENT && input.offline != null) throw badInput('input.offline', 'only CLIENT tokens have a refresh token', 'clientOnly');
    // A refresh issues the next CLIENT access token without one: an allowlist would not hold.
    if (kind === AccessTokenKind.CLIENT && input.allowedAddresses != null) throw badInput('input.allowedAddresses', 'CLIENT tokens are renewed by their OAuth client and take no address allowlist', 'notForClient');
    const requestedAddresses = input.allowedAddresses ? normalizeAddressList(input.allowedAddresses, 'input.allowedAddresses') : null;
    const kindIssuer = this.kindIssuers.get(kind);
    if (!resource && caller.accessTokenId) throw forbidden('An access token cannot create personal tokens; sign in to do so');
    if (!resource && input.role) throw badInput('input.role', 'personal tokens act with your own roles and take none', 'resourceOnly');

    const minting = await mintingTokenOf(ctx, caller);
    if (!minting) await reenterPassword(this.sessions, ctx, caller, input.password, 'create');
    const path = resource ? await resolveResourcePath(ctx.db.manager, resource.type, resource.id) : null;
    if (resource && !path) throw notFound('Resource');
    const policy = path ? await this.policies.find(ctx.db.manager, path.organizationId) : null;
    const scopes = checkScopes(level, input.scopes, policy, minting);
    const role = path ? checkRole(await callerRoleOn(ctx, path), input.role ?? Role.VIEWER) : null;
    const allowedAddressList = checkAllowedAddresses(requestedAddresses, policy, minting);
    const expiresAt = kindIssuer ? (await kindIssuer.prepare(ctx, input)).expiresAt : resolveExpiry(input.expiresAt, policy, minting);

    return ctx.transaction(async (tx) => {
      const ownerId = path ? await this.createTechnicalUser(tx, input.name, path, role!) : caller.user.id;
      const inserted = await this.issuer.insert(tx, {
        level,
        kind,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        scopeList: scopes.join(' '),
        role,
        resourceType: path?.type ?? null,
        resourceId: path?.id ?? null,
        organizationId: path?.organizationId ?? null,
        ownerId,
        createdById: caller.user.id,
        expiresAt,
        allowedAddressList,
        previousTokenId: null,
      });
      const issued = kindIssuer ? await kindIssuer.issued(tx, ctx, inserted, input) : inserted;
      await this.audit.record(tx, ctx, {
        action: 'createAccessToken',
        targetType: 'AccessToken',
        targetId: issued.accessToken.id,
        organizationId: path?.organizationId ?? null,
        detail: { level, kind, scopes, role, expiresAt: expiresAt?.toISOString() ?? null, allowedAddresses: requestedAddresses },
      });
      return issued;
    });
  }

  private async createTechnicalUser(tx: EntityManager, tokenName: string, path: ResourcePath, role: Role): Promise<string> {
    const technicalUser = await tx.save(
      Object.assign(new UserEntity(), {
        kind: UserKind.TECHNICAL,
        email: null,
        // Cut by code points, so a name never ends in half a character.
        displayName: `${[...tokenName.trim()].slice(0, TECHNICAL_NAME_LENGTH).join('')} (token)`,
        passwordHash: null,
        status: UserStatus.ACTIVE,
        validUntil: null,
        isPlatformAdmin: false,
      }),
    );
    await tx.save(
      Object.assign(new MembershipEntity(), {
        userId: technicalUser.id,
        resourceType: path.type,
        resourceId: path.id,
        organizationId: path.organizationId,
        role,
      }),
    );
    return technicalUser.id;
  }
}
