import DataLoader from 'dataloader';
import { DataSource, EntityTarget, In, ObjectLiteral } from 'typeorm';

/** A row (or null: none) at once when already loaded, else its promise. */
export type Loaded<T> = T | null | Promise<T | null>;

/**
 * A DataLoader of rows by primary key that can also answer at once for a row it has already
 * loaded. A field that returns a promise makes graphql-js complete its object, and every object
 * above it, asynchronously; fields that return settled rows synchronously keep a page cheap.
 */
export class RowLoader<T> extends DataLoader<string, T | null> {
  /** Rows (null: no such row) the batch function has answered, and a count of clears: a batch that a clear overtook keeps nothing. */
  private readonly state: { settled: Map<string, T | null>; clears: number };

  // No DataLoader options: with its cache off, `settled` would still answer.
  constructor(load: (ids: readonly string[]) => Promise<Array<T | null>>) {
    const state = { settled: new Map<string, T | null>(), clears: 0 };
    super(async (ids) => {
      const clears = state.clears;
      const rows = await load(ids);
      if (clears === state.clears) ids.forEach((id, i) => state.settled.set(id, rows[i]));
      return rows;
    });
    this.state = state;
  }

  /** The row (or null) when already loaded, else the promise `load` gives. */
  peekOrLoad(id: string): Loaded<T> {
    const row = this.state.settled.get(id);
    return row === undefined ? this.load(id) : row;
  }

  override clear(id: string): this {
    this.state.clears += 1;
    this.state.settled.delete(id);
    return super.clear(id);
  }

  override clearAll(): this {
    this.state.clears += 1;
    this.state.settled.clear();
    return super.clearAll();
  }
}

/** Loads rows by primary key, one query per batch; missing ids give null. */
export function byIdLoader<T extends ObjectLiteral & { id: string }>(db: DataSource, entity: EntityTarget<T>): RowLoader<T> {
  return new RowLoader(async (ids) => {
    const rows = await db.manager.find(entity, { where: { id: In([...ids]) } as never });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Loads the rows whose `column` equals each key, one query per batch, oldest first. */
export function manyByLoader<T extends ObjectLiteral & { id: string }>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await db.manager.find(entity, { where: { [column]: In([...keys]) } as never, order: { id: 'ASC' } as never });
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(row[column])?.push(row);
    return keys.map((key) => groups.get(key)!);
  });
}
