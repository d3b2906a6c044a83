import { AccessTokenLevel } from '../access-token/access-token.entity';
import { TokenRecord } from '../access-token/token-lookup';

/**
 * Which tokens an introspect token may learn about; any other subject answers `{"active": false}`,
 * exactly like an unknown one. A resource server of an organization (an organization-level
 * token, or one of its groups or projects) sees the tokens bound to that organization; a
 * platform admin's personal token sees every token; anyone else's personal token only its owner's
 * own tokens. Personal data follows: an owner's e-mail (`username`) is only ever shown to the
 * owner or a platform admin, who can read it through GraphQL as well; tokens bound to an
 * organization belong to technical users, which have none.
 */
export function mayIntrospect(caller: TokenRecord, subject: TokenRecord): boolean {
  if (caller.level !== AccessTokenLevel.PERSONAL) return subject.organizationId !== null && subject.organizationId === caller.organizationId;
  return caller.owner.isPlatformAdmin || subject.owner.id === caller.owner.id;
}
