import { AuditService } from '../../../core/audit/audit.service';
import { RequestContext, requireCaller } from '../../../core/context/request-context';
import { badInput } from '../../../core/errors/app-error';
import { normalizeAddressList } from '../../../core/http/address-ranges';
import { TokenPolicyService } from '../../token-policy/token-policy.service';
import { AccessTokenEntity, AccessTokenKind, tokenScopes } from '../access-token.entity';
import { checkAllowedAddresses, checkNarrowerScopes, checkReissue, checkScopes, resolveExpiry } from '../access-token.policy';
import { lockAccessToken, mintingTokenOf } from '../access-token.records';
import { UpdateAccessTokenInput } from '../dto/update-access-token.input';

type Change = { from: unknown; to: unknown };
type EditableColumn = 'name' | 'description' | 'scopeList' | 'expiresAt' | 'allowedAddressList';

/**
 * Edit in place (GitLab #29220): name, description, narrower scopes, an earlier expiry and the
 * address allowlist change without a new secret. Whatever creation would refuse is refused here
 * too (the level's scopes, the organization's policy, a token caller's own limits), and scopes and
 * expiry only ever narrow, so an edit never makes a token more powerful or longer-lived.
 */
export class UpdateAccessTokenService {
  constructor(
    private readonly audit: AuditService,
    private readonly policies: TokenPolicyService,
  ) {}

  async update(ctx: RequestContext, input: UpdateAccessTokenInput): Promise<AccessTokenEntity> {
    const minting = await mintingTokenOf(ctx, requireCaller(ctx));
    const requestedAddresses = input.allowedAddresses ? normalizeAddressList(input.allowedAddresses, 'input.allowedAddresses') : input.allowedAddresses;
    return ctx.transaction(async (tx) => {
      const token = await lockAccessToken(tx, input.id);
      const scopes = tokenScopes(token);
      checkReissue('update', token, scopes, minting);
      const isClient = token.kind === AccessTokenKind.CLIENT;
      const policy = token.organizationId ? await this.policies.find(tx, token.organizationId) : null;
      const changes: Record<string, Change> = {};
      /** Sets a column and notes the change, with the values as the audit trail shows them. */
      const set = <K extends EditableColumn>(field: string, column: K, value: AccessTokenEntity[K], show: (v: AccessTokenEntity[K]) => unknown = (v) => v) => {
        const [from, to] = [show(token[column]), show(value)];
        if (JSON.stringify(from) === JSON.stringify(to)) return;
        changes[field] = { from, to };
        token[column] = value;
      };

      if (input.name != null) set('name', 'name', input.name.trim());
      if (input.description !== undefined) set('description', 'description', input.description?.trim() || null);
      if (input.scopes != null) {
        // A CLIENT token's scope comes from its refresh token at every refresh.
        if (isClient) throw badInput('input.scopes', 'a CLIENT token gets its scope from its refresh token; ask for less with scope= at POST /oauth/token', 'notForClient');
        const narrowed = checkScopes(token.level, input.scopes, policy, minting);
        checkNarrowerScopes(narrowed, scopes);
        set('scopes', 'scopeList', narrowed.join(' '), (list) => list.split(' ').sort());
      }
      if (input.expiresAt === null && token.expiresAt) throw badInput('input.expiresAt', 'an expiry cannot be removed in place; omit expiresAt to keep it', 'earlierOnly');
      if (input.expiresAt) {
        const expiresAt = resolveExpiry(input.expiresAt, policy, minting);
        if (token.expiresAt && expiresAt && expiresAt > token.expiresAt) {
          throw badInput('input.expiresAt', `must be on or before the current expiry (${token.expiresAt.toISOString()}): an expiry can only be brought forward in place`, 'earlierOnly');
        }
        set('expiresAt', 'expiresAt', expiresAt, (date) => date?.toISOString() ?? null);
      }
      if (requestedAddresses !== undefined) {
        if (isClient && requestedAddresses) throw badInput('input.allowedAddresses', 'CLIENT tokens are renewed by their OAuth client and take no address allowlist', 'notForClient');
        set('allowedAddresses', 'allowedAddressList', checkAllowedAddresses(requestedAddresses, policy, minting), (list) => (list ? list.split(' ') : null));
      }
      if (!Object.keys(changes).length) return token;

      await tx.save(token);
      await this.audit.record(tx, ctx, {
        action: 'updateAccessToken',
        targetType: 'AccessToken',
        targetId: token.id,
        organizationId: token.organizationId,
        detail: { changes },
      });
      return token;
    });
  }
}
