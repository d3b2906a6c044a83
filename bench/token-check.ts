import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '../src/database/data-source';
import { newId } from '../src/core/database/ids';
import { createScratchMysqlDatabase } from '../src/core/database/scratch-database';
import { SECRET_PREFIXES, generateSecret, hashSecret, secretHint } from '../src/core/secrets/secret-format';

/**
 * Benchmarks the hot path against its floor, in one run on one machine:
 * Tessera (compiled, NODE_ENV=production) on MySQL with 100,000 tokens, and the floor server
 * (bare node:http + one prepared mysql2 point select on the same table), each loaded by
 * autocannon on 127.0.0.1. Prints requests/s, p50/p99 latency, server CPU per request, RSS and
 * the ratio to the floor. Usage: `npm run bench` (BENCH_MYSQL_URL, default mariadb://root@127.0.0.1:3306).
 */
const SERVER_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306';
const TOKENS = Number(process.env.BENCH_TOKENS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PEPPER = randomBytes(32).toString('base64url');
const ROOT = join(__dirname, '..');

async function seed(databaseUrl: string): Promise<{ caller: string; subject: string }> {
  const db = createDataSource(databaseUrl);
  await db.initialize();
  await db.runMigrations();
  const ownerId = newId();
  await db.query('INSERT INTO users (id, kind, email, displayName, status, isPlatformAdmin) VALUES (?, ?, ?, ?, ?, ?)', [ownerId, 'HUMAN', 'bench@example.test', 'Bench', 'ACTIVE', 0]);
  const columns = '(id, level, kind, name, scopeList, ownerId, createdById, tokenHash, hint)';
  for (let done = 0; done < TOKENS; done += 2000) {
    const rows = Array.from({ length: Math.min(2000, TOKENS - done) }, () => [newId(), 'PERSONAL', 'ACCESS', 'seeded', 'api', ownerId, ownerId, randomBytes(32).toString('hex'), 'tspat_…seed']);
    await db.query(`INSERT INTO access_tokens ${columns} VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
  }
  const issue = async (scopeList: string) => {
    const secret = generateSecret(SECRET_PREFIXES.personalAccessToken);
    await db.query(`INSERT INTO access_tokens ${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [newId(), 'PERSONAL', 'ACCESS', 'bench', scopeList, ownerId, ownerId, hashSecret(secret, PEPPER), secretHint(secret)]);
    return secret;
  };
  const secrets = { caller: await issue('introspect'), subject: await issue('api') };
  await db.destroy();
  return secrets;
}

function start(command: string, args: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(ready)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}

const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM'): number =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
  rssMb: number;
  errors: number;
}

async function load(name: string, pid: number, options: autocannon.Options): Promise<Result> {
  await autocannon({ ...options, duration: 2, connections: CONNECTIONS });
  const before = cpuTicks(pid);
  const result = await autocannon({ ...options, duration: DURATION, connections: CONNECTIONS });
  const cpuMs = (cpuTicks(pid) - before) * 10;
  const requests = result.requests.total;
  return {
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerRequest: Math.round((cpuMs * 1000) / requests),
    rssMb: Math.round(rssMb(pid, 'VmHWM')),
    errors: result.errors + result.non2xx,
  };
}

async function main(): Promise<void> {
  const scratch = await createScratchMysqlDatabase(SERVER_URL, 'bench');
  const children: ChildProcess[] = [];
  try {
    process.stdout.write(`seeding ${TOKENS} tokens…\n`);
    const { caller, subject } = await seed(scratch.url);
    const profile = process.env.BENCH_PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const tessera = await start('node', [...profile, 'dist/src/main.js'], {
      NODE_ENV: 'production', PORT: '4801', DATABASE_URL: scratch.url, TESSERA_TOKEN_PEPPER: PEPPER,
      TESSERA_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
    }, 'Tessera listening');
    const floor = await start('node', ['-r', 'ts-node/register/transpile-only', 'bench/floor-server.ts'], { PORT: '4802', DATABASE_URL: scratch.url, PEPPER }, 'ready');
    children.push(tessera, floor);

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const scenarios: Array<[string, number, autocannon.Options]> = [
      ['floor: prepared point select', floor.pid!, { url: 'http://127.0.0.1:4802/', method: 'POST', headers: form, body: `token=${subject}` }],
      ['Tessera: POST /oauth/introspect', tessera.pid!, { url: 'http://127.0.0.1:4801/oauth/introspect', method: 'POST', headers: { ...form, authorization: `Bearer ${caller}` }, body: `token=${subject}` }],
      ['Tessera: GraphQL { viewer }', tessera.pid!, {
        url: 'http://127.0.0.1:4801/graphql', method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${subject}` },
        body: JSON.stringify({ query: '{ viewer { authMethod scopes principal { ... on User { id email } } } }' }),
      }],
    ];
    // Rounds interleave the scenarios so a noisy moment on this shared machine hits all of them.
    const rounds: Result[][] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const results: Result[] = [];
      for (const [name, pid, options] of scenarios) results.push(await load(name, pid, options));
      rounds.push(results);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    process.stdout.write(`\nmachine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; ${TOKENS} tokens; ${CONNECTIONS} connections, ${DURATION} s per scenario, ${ROUNDS} rounds\n\n`);
    process.stdout.write('| round | scenario | req/s | p50 ms | p99 ms | server CPU µs/req | server peak RSS MB | errors | throughput ÷ floor | p99 ÷ floor |\n|---|---|---|---|---|---|---|---|---|---|\n');
    rounds.forEach((results, round) => {
      for (const r of results) {
        process.stdout.write(`| ${round + 1} | ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.cpuUsPerRequest} | ${r.rssMb} | ${r.errors} | ${(r.rps / results[0].rps).toFixed(2)} | ${(r.p99 / results[0].p99).toFixed(2)} |\n`);
      }
    });
    process.stdout.write('\nMedian over rounds:\n\n| scenario | req/s | p99 ms | server CPU µs/req | throughput ÷ floor | p99 ÷ floor |\n|---|---|---|---|---|---|\n');
    scenarios.forEach(([name], i) => {
      const of = (pick: (r: Result) => number) => median(rounds.map((results) => pick(results[i])));
      const ratio = median(rounds.map((results) => results[i].rps / results[0].rps));
      const p99Ratio = median(rounds.map((results) => results[i].p99 / results[0].p99));
      process.stdout.write(`| ${name} | ${of((r) => r.rps)} | ${of((r) => r.p99)} | ${of((r) => r.cpuUsPerRequest)} | ${ratio.toFixed(2)} | ${p99Ratio.toFixed(2)} |\n`);
    });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
