import { DataSource } from 'typeorm';
import { AppConfig, loadConfig, loadDotEnv } from '../core/config/config';
import { RequestContext } from '../core/context/request-context';
import { configureLogging } from '../core/logging/logger';
import { resolveTokenPeppers } from '../core/secrets/pepper';
import { createDataSource, runMigrations } from '../database/data-source';
import { Services, createServices } from '../services';
import { systemContext } from '../system-context';

/** A failure the operator is told about in one line (exit 1). */
export class CommandFailure extends Error {}

/** What a command works with: the database of DATABASE_URL, the services, and a context audited as the system (`cli:<uuid>`). */
export interface Operator {
  config: AppConfig;
  db: DataSource;
  services: Services;
  ctx: RequestContext;
  /** The migrations this command applied (`migrate` only). */
  applied: string[];
}

/** The validated configuration (TESSERA_* and DATABASE_URL, with ./.env), as the server reads it. */
export function operatorConfig(): AppConfig {
  loadDotEnv();
  const config = loadConfig();
  // Only warnings and errors, on stderr: stdout carries the command's own answer.
  configureLogging({ level: config.logLevel === 'silent' ? 'silent' : 'warn', format: 'json' }, process.stderr);
  return config;
}

/**
 * Opens the database (without the server's stall bounds: a migration may run for minutes), runs
 * `work` and closes it. With `migrate`, pending migrations are applied first; without, a database
 * with pending migrations is refused: its schema would not match the code.
 */
export async function withDatabase<T>(work: (operator: Operator) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const config = operatorConfig();
  const peppers = resolveTokenPeppers(config);
  const db = createDataSource(config.databaseUrl);
  await db.initialize();
  try {
    const applied = options.migrate ? (await runMigrations(db)).map((migration) => migration.name) : [];
    if (!options.migrate && (await db.showMigrations())) throw new CommandFailure('the database has pending migrations: run `tessera migrate` first');
    // The services are made after migrating: some prepare statements on the tables.
    const services = createServices(db, config, peppers);
    const result = await work({ config, db, services, ctx: systemContext(db, config, services, 'cli'), applied });
    await peppers.settle();
    return result;
  } finally {
    await db.destroy();
  }
}

/**
 * A secret the operator types (without echo, on a terminal) or pipes in (its first line), never
 * an argument: arguments show in `ps`, shell history and audit logs of the host.
 */
export async function readSecret(prompt: string, confirm = false): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let input = '';
    for await (const chunk of stdin) input += String(chunk);
    const line = input.split(/\r?\n/)[0];
    if (!line) throw new CommandFailure(`${prompt.toLowerCase()}: nothing on standard input`);
    return line;
  }
  const first = await promptHidden(`${prompt}: `);
  if (confirm && (await promptHidden(`${prompt} (again): `)) !== first) throw new CommandFailure('the two entries differ');
  if (!first) throw new CommandFailure(`${prompt.toLowerCase()}: empty`);
  return first;
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          done();
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          done();
          reject(new CommandFailure('interrupted'));
          return;
        }
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
