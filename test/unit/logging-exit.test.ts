import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs `script` in a fresh Node (the logger on its default destination, stdout piped here) and returns its stdout lines. */
async function linesOf(script: string): Promise<string[]> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code).toBe(0);
  return output.split('\n').filter(Boolean);
}

// stdout is written asynchronously: these prove that no line is lost when the process exits.
describe('the default log destination', () => {
  it('writes every line logged before an immediate process.exit', async () => {
    const lines = await linesOf(`const { logger } = require('./src/core/logging/logger.ts'); for (let i = 0; i < 1000; i++) logger.info({ i }, 'line'); process.exit(0);`);
    expect(lines).toHaveLength(1000);
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([...Array(1000).keys()]);
  });

  it('has written every line once flushLogs resolves, without the flush at exit', async () => {
    const lines = await linesOf(
      `const { logger, flushLogs } = require('./src/core/logging/logger.ts'); for (let i = 0; i < 1000; i++) logger.info({ i }, 'line'); flushLogs().then(() => { process.removeAllListeners('exit'); process.exit(0); });`,
    );
    expect(lines).toHaveLength(1000);
  });
});
