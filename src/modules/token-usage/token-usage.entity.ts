import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { IdentifiedEntity, idColumn, timestampColumn } from '../../core/database/columns';

export enum TokenUsageOutcome {
  SUCCESS = 'SUCCESS',
  ERROR = 'ERROR',
  REFUSED = 'REFUSED',
}

registerEnumType(TokenUsageOutcome, {
  name: 'TokenUsageOutcome',
  description: 'How a use of a token ended.',
  valuesConfig: {
    SUCCESS: { description: 'The request succeeded.' },
    ERROR: { description: 'The request was authenticated but answered with an error.' },
    REFUSED: { description: "The token was refused because the request came from outside its address allowlist (`allowedAddresses`); for introspection, the end client's `client_address`." },
  },
});

/**
 * One authenticated use of an access token (DataChain's "full traceability"). Written in
 * batches off the request path; kept for TESSERA_USAGE_RETENTION_DAYS. Plain ids, no foreign
 * keys: the trail outlives deleted tokens.
 */
@ObjectType('TokenUsage', { description: 'One use of an access token: authenticated, or refused for its address.' })
@Entity('token_usages')
@Index('IDX_token_usages_token', ['tokenId', 'id'])
export class TokenUsageEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier; later uses have greater ids.' })
  declare id: string;

  @idColumn()
  tokenId: string;

  @Field({ description: 'When the token was (last) used.' })
  @Index('IDX_token_usages_used_at')
  @timestampColumn()
  usedAt: Date;

  @Field({ description: 'What it was used for: a GraphQL operation (`mutation createGroup`) or an endpoint (`introspection`).' })
  @Column({ type: 'varchar', length: 191 })
  operation: string;

  @Field(() => String, { nullable: true, description: 'The client address the request came from.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  clientAddress: string | null;

  @Field(() => TokenUsageOutcome, { description: 'How the request ended.' })
  @Column({ type: 'varchar', length: 16 })
  outcome: TokenUsageOutcome;

  @Field(() => Int, { description: 'How many identical uses (same operation, address and outcome) this record stands for, within one write interval; `usedAt` is the last of them.' })
  @Column({ type: 'int', default: 1 })
  count: number;
}
