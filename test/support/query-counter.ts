import { Logger } from 'typeorm';

/** A TypeORM logger that keeps every SQL statement, to count what a request cost. */
export class QueryCounter implements Logger {
  readonly queries: string[] = [];

  logQuery(query: string): void {
    this.queries.push(query);
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}

  /** Runs `work` and returns the statements it caused. */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    const start = this.queries.length;
    await work();
    return this.queries.slice(start);
  }
}
