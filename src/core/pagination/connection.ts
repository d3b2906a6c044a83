import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../errors/app-error';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType('PageInfo', { description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'Whether more items follow this page (in the direction of `first`/`after`).' })
  hasNextPage: boolean;

  @Field({ description: 'Whether items precede this page.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of the page.' })
  endCursor: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Items after \`after\`, newest first (at most ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts.' })
  after?: string;

  @Field(() => Int, { nullable: true, description: `Items before \`before\` (at most ${MAX_PAGE_SIZE}).` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  last?: number;

  @Field(() => String, { nullable: true, description: 'Cursor before which the page ends.' })
  before?: string;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionResult<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A `<Name>Connection` type with `<Name>Edge`s for one node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string, description: string): ClassType<ConnectionResult<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class EdgeType {
    @Field({ description: 'Opaque cursor of this item, for `after`/`before`.' })
    cursor: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node: T;
  }

  @ObjectType(`${name}Connection`, { description })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The items of this page with their cursors.' })
    edges: EdgeType[];

    @Field(() => PageInfo, { description: 'Where this page sits in the list.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many items match the filters, over all pages.' })
    totalCount: number;
  }
  return ConnectionType;
}

const encodeCursor = (id: string): string => Buffer.from(`id:${id}`).toString('base64url');

function decodeCursor(cursor: string, field: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('id:') || decoded.length < 4) throw badInput(field, 'is not a cursor from this list', 'cursor');
  return decoded.slice(3);
}

/**
 * Keyset pagination on the time-ordered primary key, newest first: `WHERE id < :cursor`
 * on the primary key index, so a page costs the same on the millionth row as on the first.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  args: ConnectionArgs,
): Promise<ConnectionResult<T>> {
  if (args.first != null && args.last != null) throw badInput('last', 'cannot be combined with first', 'exclusive');
  const alias = query.alias;
  const totalCount = await query.clone().getCount();
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  const page = query.clone();
  if (args.after) page.andWhere(`${alias}.id < :pageAfter`, { pageAfter: decodeCursor(args.after, 'after') });
  if (args.before) page.andWhere(`${alias}.id > :pageBefore`, { pageBefore: decodeCursor(args.before, 'before') });
  page.orderBy(`${alias}.id`, backward ? 'ASC' : 'DESC').limit(size + 1);
  const rows = await page.getMany();
  const more = rows.length > size;
  const nodes = rows.slice(0, size);
  if (backward) nodes.reverse();
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: backward ? Boolean(args.before) : more,
      hasPreviousPage: backward ? more : Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
