import { EntityManager } from 'typeorm';
import { PepperRing } from '../../core/secrets/pepper';
import { SECRET_PREFIXES, SecretPrefix, generateSecret, secretHint } from '../../core/secrets/secret-format';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel } from './access-token.entity';

export interface IssuedAccessToken {
  accessToken: AccessTokenEntity;
  secret: string;
  /** CLIENT tokens: the refresh token's secret and expiry (null when offline). */
  refreshToken?: string;
  refreshTokenExpiresAt?: Date | null;
}

/**
 * The columns a caller of `insert` gives; the secret's hash, hint and the state columns are set there.
 * No address allowlist unless given (CLIENT tokens, renewed by refresh, never carry one).
 */
export type NewAccessTokenFields = Omit<AccessTokenEntity, 'id' | 'tokenHash' | 'pepperId' | 'hint' | 'createdAt' | 'revokedAt' | 'revokedById' | 'revocationReason' | 'lastUsedAt' | 'lastUsedAddresses' | 'replacedByTokenId' | 'allowedAddressList' | 'assignId' | 'owner'> &
  Partial<Pick<AccessTokenEntity, 'allowedAddressList'>>;

/** The readable prefix of a token's secret, by kind and level, so secret scanners can tell them apart. */
export function secretPrefixOf(level: AccessTokenLevel, kind: AccessTokenKind): SecretPrefix {
  if (kind === AccessTokenKind.EXPOSE) return SECRET_PREFIXES.exposeToken;
  if (kind === AccessTokenKind.CLIENT) return SECRET_PREFIXES.clientAccessToken;
  switch (level) {
    case AccessTokenLevel.PERSONAL:
      return SECRET_PREFIXES.personalAccessToken;
    case AccessTokenLevel.ORGANIZATION:
      return SECRET_PREFIXES.organizationAccessToken;
    case AccessTokenLevel.GROUP:
      return SECRET_PREFIXES.groupAccessToken;
    case AccessTokenLevel.PROJECT:
      return SECRET_PREFIXES.projectAccessToken;
  }
}

export const ACCESS_TOKEN_PREFIXES: SecretPrefix[] = [
  SECRET_PREFIXES.personalAccessToken,
  SECRET_PREFIXES.organizationAccessToken,
  SECRET_PREFIXES.groupAccessToken,
  SECRET_PREFIXES.projectAccessToken,
  SECRET_PREFIXES.exposeToken,
  SECRET_PREFIXES.clientAccessToken,
];

/** Writes new access tokens: a fresh secret of the token's kind and level, of which only the keyed hash and a hint are kept. */
export class AccessTokenIssuer {
  constructor(private readonly peppers: PepperRing) {}

  /** Inserts a token inside the caller's transaction and returns it with its secret, the only time it exists. */
  async insert(tx: EntityManager, fields: NewAccessTokenFields): Promise<IssuedAccessToken> {
    const secret = generateSecret(secretPrefixOf(fields.level, fields.kind));
    const accessToken = await tx.save(
      Object.assign(new AccessTokenEntity(), {
        allowedAddressList: null,
        ...fields,
        tokenHash: this.peppers.digest(secret),
        pepperId: this.peppers.current.id,
        hint: secretHint(secret),
        revokedAt: null,
        revokedById: null,
        revocationReason: null,
        lastUsedAt: null,
        lastUsedAddresses: null,
        replacedByTokenId: null,
      }),
    );
    return { accessToken, secret };
  }
}
