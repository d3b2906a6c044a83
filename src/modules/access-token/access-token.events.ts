import { DomainEvents } from '../../core/lifecycle/domain-events';

/** What happened to access tokens, as webhooks name it (`type` in the payload). */
export enum TokenEventType {
  REVOKED = 'token.revoked',
  ROTATED = 'token.rotated',
  EXPIRED = 'token.expired',
  EXPIRING = 'token.expiring',
  LEAKED = 'token.leaked',
  REVOKED_AS_STALE = 'token.revoked_stale',
  OWNER_CREDENTIALS_ENDED = 'token.owner_credentials_ended',
}

/**
 * A change to some tokens, published inside the transaction that makes it. `key` makes an event
 * idempotent (the expiry scan publishes `expiring:7:<token id>` on every run; subscribers keep one).
 */
export interface TokenEvent {
  type: TokenEventType;
  tokenIds: string[];
  key?: (tokenId: string) => string;
  /** Event-specific fields for the payload (e.g. `daysLeft`, `successorId`); never a secret. */
  detail?: Record<string, unknown>;
}

/** The one hook point of token events: access-token services publish, the webhooks module subscribes. */
export class TokenEvents extends DomainEvents<TokenEvent> {}
