/**
 * A LIKE pattern matching `text` anywhere, case-folded, with its wildcards escaped by `!`:
 * use as `LOWER(column) LIKE :pattern ESCAPE '!'` (SQLite has no default escape character and
 * MySQL's backslash is not portable).
 */
export const containsPattern = (text: string): string => `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
