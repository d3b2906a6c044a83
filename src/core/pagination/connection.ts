import DataLoader from 'dataloader';
import { ArgsType, ClassType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { DataSource, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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
  @Field(() => Int, { nullable: true, description: `Items after \`after\`, in the list's order (at most ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
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
  /** Counted only when the client asks for it: a COUNT over a large table is the one costly part. */
  totalCount: number | Promise<number>;
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

    @Field(() => Int, { description: 'How many items match the filters, over all pages (counted only when asked for).' })
    totalCount: number;
  }
  return ConnectionType;
}

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction.',
  valuesConfig: { ASC: { description: 'Smallest (or earliest) first.' }, DESC: { description: 'Largest (or latest) first.' } },
});

/** How a list is ordered when not simply newest first: a sort value with the id as tie-breaker. */
export interface SortKey<T> {
  /** SQL expression of the sort value, e.g. `token.name` or `COALESCE(token.expiresAt, :never)`. */
  expression: string;
  parameters?: Record<string, unknown>;
  direction: 'ASC' | 'DESC';
  /** The node's sort value, as the expression computes it. */
  valueOf: (node: T) => string | Date;
  /** Whether the value is a date (cursors carry it as ISO text). */
  isDate?: boolean;
}

interface Cursor {
  value?: string;
  id: string;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(cursor: string, field: string): Cursor {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof decoded.id === 'string' && (decoded.value === undefined || typeof decoded.value === 'string')) return decoded;
  } catch {
    // fall through: not one of our cursors
  }
  throw badInput(field, 'is not a cursor from this list', 'cursor');
}

const flip = (direction: 'ASC' | 'DESC'): 'ASC' | 'DESC' => (direction === 'ASC' ? 'DESC' : 'ASC');

/**
 * Keyset pagination: `WHERE (sort, id) beyond the cursor ORDER BY sort, id LIMIT n`, so a page
 * costs the same on the millionth row as on the first (no OFFSET). Without a sort key the list is
 * newest first by the time-ordered primary key.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  args: ConnectionArgs,
  sort?: SortKey<T>,
): Promise<ConnectionResult<T>> {
  if (args.first != null && args.last != null) throw badInput('last', 'cannot be combined with first', 'exclusive');
  const alias = query.alias;
  const counting = query.clone();
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  const direction = sort?.direction ?? 'DESC';
  const page = query.clone().setParameters(sort?.parameters ?? {});

  const beyond = (cursor: string, field: 'after' | 'before') => {
    const { value, id } = decodeCursor(cursor, field);
    const ascending = (direction === 'ASC') === (field === 'after');
    const op = ascending ? '>' : '<';
    if (!sort) return page.andWhere(`${alias}.id ${op} :${field}Id`, { [`${field}Id`]: id });
    if (value === undefined) throw badInput(field, 'is not a cursor from this list', 'cursor');
    const parameter = sort.isDate ? new Date(value) : value;
    return page.andWhere(`(${sort.expression} ${op} :${field}Value OR (${sort.expression} = :${field}Value AND ${alias}.id ${op} :${field}Id))`, {
      [`${field}Value`]: parameter,
      [`${field}Id`]: id,
    });
  };
  if (args.after) beyond(args.after, 'after');
  if (args.before) beyond(args.before, 'before');
  const order = backward ? flip(direction) : direction;
  if (sort) page.orderBy(sort.expression, order).addOrderBy(`${alias}.id`, order);
  else page.orderBy(`${alias}.id`, order);
  page.limit(size + 1);

  const cursorOf = (node: T): string => {
    if (!sort) return encodeCursor({ id: node.id });
    const value = sort.valueOf(node);
    return encodeCursor({ id: node.id, value: value instanceof Date ? value.toISOString() : value });
  };
  return pageOf(await page.getMany(), { args, size, backward }, cursorOf, () => counting.getCount());
}

interface PageShape {
  args: ConnectionArgs;
  size: number;
  backward: boolean;
}

/** The page of `rows` (fetched in query order, one more than `size` when more follow). */
function pageOf<T>(rows: T[], { args, size, backward }: PageShape, cursorOf: (node: T) => string, count: () => Promise<number>): ConnectionResult<T> {
  const more = rows.length > size;
  const nodes = rows.slice(0, size);
  if (backward) nodes.reverse();
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  let totalCount: Promise<number> | undefined;
  return {
    edges,
    get totalCount() {
      return (totalCount ??= count());
    },
    pageInfo: {
      hasNextPage: backward ? Boolean(args.before) : more,
      hasPreviousPage: backward ? more : Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** The connection of a list the caller may not see. */
export const emptyConnection = <T>(): ConnectionResult<T> => ({
  edges: [],
  totalCount: 0,
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
});

/** One page of the children of one parent, as a nested connection field asks for it. */
export interface ChildPageKey {
  parentId: string;
  page: ConnectionArgs;
}

/**
 * Pages of a nested list (an organization's groups, a group's members…) for every parent in a
 * request, oldest first: the parents asking for the same page share one keyset query, however many
 * they are (the first n per parent by ROW_NUMBER, no OFFSET), and one grouped COUNT when
 * `totalCount` is asked for. `scope` adds fixed equality conditions (e.g. the resource type).
 */
export function childConnectionLoader<T extends ObjectLiteral & { id: string }>(
  db: DataSource,
  entity: EntityTarget<T>,
  parentColumn: keyof T & string,
  scope: Partial<Record<keyof T & string, string>> = {},
): DataLoader<ChildPageKey, ConnectionResult<T>, string> {
  const query = (alias: string, parentIds: readonly string[]) => {
    const qb = db.manager.createQueryBuilder(entity, alias).where(`${alias}.${parentColumn} IN (:...parentIds)`, { parentIds });
    for (const [column, value] of Object.entries(scope)) qb.andWhere(`${alias}.${column} = :scope_${column}`, { [`scope_${column}`]: value });
    return qb;
  };
  const counts = new DataLoader<string, number>(async (parentIds) => {
    const rows = await query('child', parentIds).select(`child.${parentColumn}`, 'parentId').addSelect('COUNT(*)', 'total').groupBy(`child.${parentColumn}`).getRawMany<{ parentId: string; total: number | string }>();
    const totals = new Map(rows.map((row) => [row.parentId, Number(row.total)]));
    return parentIds.map((id) => totals.get(id) ?? 0);
  });

  const pages = async (parentIds: string[], args: ConnectionArgs): Promise<Map<string, ConnectionResult<T>>> => {
    if (args.first != null && args.last != null) throw badInput('last', 'cannot be combined with first', 'exclusive');
    const backward = args.last != null || (args.before != null && args.first == null);
    const size = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
    const order = backward ? 'DESC' : 'ASC';
    const ranked = query('ranked', parentIds).select('ranked.id', 'id').addSelect(`ROW_NUMBER() OVER (PARTITION BY ranked.${parentColumn} ORDER BY ranked.id ${order})`, 'position');
    if (args.after) ranked.andWhere('ranked.id > :afterId', { afterId: decodeCursor(args.after, 'after').id });
    if (args.before) ranked.andWhere('ranked.id < :beforeId', { beforeId: decodeCursor(args.before, 'before').id });
    const rows = await db.manager
      .createQueryBuilder(entity, 'child')
      .where(`child.id IN (SELECT page.id FROM (${ranked.getQuery()}) page WHERE page.position <= :limit)`)
      .setParameters({ ...ranked.getParameters(), limit: size + 1 })
      .orderBy('child.id', order)
      .getMany();
    const cursorOf = (node: T) => encodeCursor({ id: node.id });
    return new Map(parentIds.map((parentId) => [parentId, pageOf(rows.filter((row) => row[parentColumn] === parentId), { args, size, backward }, cursorOf, () => counts.load(parentId))]));
  };

  return new DataLoader<ChildPageKey, ConnectionResult<T>, string>(
    async (keys) => {
      const byPage = new Map<string, number[]>();
      keys.forEach((key, index) => {
        const pageKey = JSON.stringify(key.page);
        byPage.set(pageKey, [...(byPage.get(pageKey) ?? []), index]);
      });
      const results: Array<ConnectionResult<T> | Error> = new Array(keys.length);
      await Promise.all(
        [...byPage.values()].map(async (indexes) => {
          try {
            const found = await pages(indexes.map((i) => keys[i].parentId), keys[indexes[0]].page);
            for (const i of indexes) results[i] = found.get(keys[i].parentId)!;
          } catch (error) {
            for (const i of indexes) results[i] = error as Error;
          }
        }),
      );
      return results;
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.page]) },
  );
}
