import DataLoader from 'dataloader';
import { DataSource, EntityTarget, In, ObjectLiteral } from 'typeorm';

/** Loads rows by primary key, one query per batch; missing ids give null. */
export function byIdLoader<T extends ObjectLiteral & { id: string }>(db: DataSource, entity: EntityTarget<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
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
