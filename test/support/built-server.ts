import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_PEPPER, createTestDatabase } from './test-server';

const ROOT = join(__dirname, '..', '..');

/** Compiles the server the way `npm run build` does, so the process under test is the one users run. */
export function buildServer(): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the build failed:\n${(error as { stdout?: Buffer }).stdout?.toString() ?? String(error)}`);
  }
}

export interface BuiltServer {
  url: string;
  process: ChildProcess;
  databaseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Kills the process if it still runs and drops its database. */
  cleanup(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js` as its own process with NODE_ENV=production over a fresh database
 * of this project's dialect, and waits until it listens. Call `buildServer()` first.
 */
export async function startBuiltServer(env: Record<string, string> = {}): Promise<BuiltServer> {
  const database = await createTestDatabase('built');
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: '0',
      DATABASE_URL: database.databaseUrl,
      TESSERA_TOKEN_PEPPER: TEST_PEPPER,
      TESSERA_ADMIN_EMAIL: ADMIN_EMAIL,
      TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the built server did not start within 30 s:\n${output}`)), 30_000);
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(match[1]);
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the built server exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    databaseUrl: database.databaseUrl,
    output: () => output,
    exited,
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await database.cleanup();
    },
  };
}
