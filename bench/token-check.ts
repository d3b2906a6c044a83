import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '../src/database/data-source';
import { newId } from '../src/core/database/ids';
import { createScratchMysqlDatabase } from '../src/core/database/scratch-database';
import { SECRET_PREFIXES, generateSecret, hashSecret, secretHint } from '../src/core/secrets/secret-format';

/**
 * Benchmarks the hot path against its floor, in one run on one machine:
 * Tessera (compiled, NODE_ENV=production) on MySQL with BENCH_TOKENS tokens, the floor server
 * (bare node:http + one prepared mysql2 point select on the same table), and bare Apollo Server
 * and bare graphql-jit doing the same lookup and page, each loaded by autocannon on 127.0.0.1. Prints requests/s, p50/p99
 * latency, server CPU per request, RSS and the ratio to the floor; then how long a revocation on
 * one Tessera instance takes to be refused by a second one on the same database.
 * Usage: `npm run bench` (BENCH_MYSQL_URL, default mariadb://root@127.0.0.1:3306; BENCH_TOKENS, BENCH_COMPARE_TOKENS,
 * BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_ONLY, BENCH_PROFILE_DIR, BENCH_NODE_OPTIONS, BENCH_BASELINE).
 */
const SERVER_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306';
const TOKENS = Number(process.env.BENCH_TOKENS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Subjects of the cache-hot scenario (a working set well inside the cache). */
const HOT = 1000;
const REVOCATION_TRIALS = Number(process.env.BENCH_REVOCATION_TRIALS ?? 50);
/** Subjects of the cache-cold scenario, cycled: more than the cache holds (TESSERA_TOKEN_CACHE_ENTRIES, 10,000), so every subject is a miss. */
const coldOf = (tokens: number) => Math.min(tokens - HOT - REVOCATION_TRIALS, 50_000);
const COLD = coldOf(TOKENS);
/**
 * With BENCH_COMPARE_TOKENS, a second database with that many tokens and a Tessera on it: its
 * cache-hot introspection runs in the same rounds as the main one's, so that flatness (e.g.
 * 1,000,000 against 10,000 tokens) is read from one run's interleaved rounds.
 */
const COMPARE_TOKENS = process.env.BENCH_COMPARE_TOKENS ? Number(process.env.BENCH_COMPARE_TOKENS) : null;
/**
 * With BENCH_BASELINE (the `dist/src/main.js` of another build, e.g. of the commit before a change), that build
 * on the same database: its cache-hot check and `{ viewer }` run in the same rounds as this build's, so that a
 * change is measured against the noise of one run, not of two.
 */
const BASELINE = process.env.BENCH_BASELINE ?? null;
const PEPPER = randomBytes(32).toString('base64url');
const ROOT = join(__dirname, '..');

interface Seeded {
  caller: string;
  subject: string;
  hot: string[];
  cold: string[];
  revocable: string[];
}

async function seed(databaseUrl: string, tokens: number): Promise<Seeded> {
  const cold = coldOf(tokens);
  const db = createDataSource(databaseUrl);
  await db.initialize();
  await db.runMigrations();
  const ownerId = newId();
  await db.query('INSERT INTO users (id, kind, email, displayName, status, isPlatformAdmin) VALUES (?, ?, ?, ?, ?, ?)', [ownerId, 'HUMAN', 'bench@example.test', 'Bench', 'ACTIVE', 0]);
  const columns = '(id, level, kind, name, scopeList, ownerId, createdById, tokenHash, hint, lastUsedAt)';
  // The first cold + HOT + trials tokens get real secrets (kept here); the rest only random digests.
  const known = cold + HOT + REVOCATION_TRIALS;
  const secrets: string[] = [];
  for (let done = 0; done < tokens; done += 2000) {
    const rows = Array.from({ length: Math.min(2000, tokens - done) }, (_, i) => {
      const secret = done + i < known ? generateSecret(SECRET_PREFIXES.personalAccessToken) : null;
      if (secret) secrets.push(secret);
      // Used just now: the scenarios measure checks, not the once-per-ten-minutes last-used write.
      return [newId(), 'PERSONAL', 'ACCESS', 'seeded', 'api', ownerId, ownerId, secret ? hashSecret(secret, PEPPER) : randomBytes(32).toString('hex'), 'tspat_…seed', new Date()];
    });
    await db.query(`INSERT INTO access_tokens ${columns} VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
  }
  const issue = async (scopeList: string) => {
    const secret = generateSecret(SECRET_PREFIXES.personalAccessToken);
    await db.query(`INSERT INTO access_tokens ${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [newId(), 'PERSONAL', 'ACCESS', 'bench', scopeList, ownerId, ownerId, hashSecret(secret, PEPPER), secretHint(secret), new Date()]);
    return secret;
  };
  const seeded = {
    caller: await issue('introspect'),
    subject: await issue('api'),
    cold: secrets.slice(0, cold),
    hot: secrets.slice(cold, cold + HOT),
    revocable: secrets.slice(cold + HOT),
  };
  await db.destroy();
  return seeded;
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
  // A rotating scenario's subjects are each asked about once, by one connection, before the warm-up: the cache starts hot.
  if ((options.requests?.length ?? 0) > 1) await autocannon({ ...options, connections: 1, amount: options.requests!.length });
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

/**
 * Each request takes the next subject of `subjects`, round-robin across all connections: every
 * request is built anew by autocannon (client CPU), but no subject repeats before all have been
 * asked about, as a cold cache needs.
 */
function cycling(options: autocannon.Options, body: (subject: string) => string, subjects: string[]): autocannon.Options {
  let next = 0;
  return { ...options, requests: [{ setupRequest: (request) => ({ ...request, body: body(subjects[next++ % subjects.length]) }) }] };
}

/**
 * Each connection asks about `subjects` in turn, from requests autocannon builds once: the load
 * generator, which shares the machine's two cores with the server, spends no more per request than
 * on a fixed body. For working sets that stay cached; the floor and the memory reference take the
 * same subjects, so that they serve the same requests as the cache-hot scenario.
 */
function rotating(options: autocannon.Options, body: (subject: string) => string, subjects: string[]): autocannon.Options {
  let clients = 0;
  return {
    ...options,
    requests: subjects.map((subject) => ({ body: body(subject) })),
    // Each connection starts at its own place in the list (autocannon 8's request iterator, pinned): in step, all
    // would ask about the same subject at once, and about each one only once per pass over the list (seconds).
    setupClient: (client) => {
      const iterator = (client as unknown as { requestIterator: { currentRequestIndex: number; currentRequest: unknown; requests: unknown[] } }).requestIterator;
      iterator.currentRequestIndex = Math.floor((clients++ * subjects.length) / CONNECTIONS) % subjects.length;
      iterator.currentRequest = iterator.requests[iterator.currentRequestIndex];
    },
  };
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

/**
 * Revoke on A (RFC 7009 `POST /oauth/revoke`, a token's holder revoking it), while four loops keep
 * introspecting the token on B, which had it cached. Per trial: how many of B's answers that
 * started after A answered still said active, and when the first one that started after A
 * answered said inactive.
 */
async function measureRevocation(a: string, b: string, caller: string, secrets: string[]): Promise<string> {
  const introspectOnB = async (secret: string) => {
    const response = await fetch(`${b}/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${caller}` }, body: `token=${secret}` });
    return ((await response.json()) as { active: boolean }).active;
  };
  const delays: number[] = [];
  const acceptedAfter: number[] = [];
  for (const secret of secrets) {
    if (!(await introspectOnB(secret)) || !(await introspectOnB(secret))) throw new Error('a revocable token is not active on B');
    let answeredAt = Infinity;
    let refusedAt = Infinity;
    let accepted = 0;
    const hammer = async () => {
      for (let deadline = Date.now() + 3000; Date.now() < deadline; ) {
        const started = performance.now();
        const active = await introspectOnB(secret);
        if (started < answeredAt) continue;
        if (active) accepted += 1;
        else {
          refusedAt = Math.min(refusedAt, started);
          return;
        }
      }
    };
    const loops = Array.from({ length: 4 }, hammer);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fetch(`${a}/oauth/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${secret}` });
    answeredAt = performance.now();
    await Promise.all(loops);
    if (refusedAt === Infinity) throw new Error('B still accepted a revoked token after 3 s');
    delays.push(refusedAt - answeredAt);
    acceptedAfter.push(accepted);
  }
  const ms = (value: number) => value.toFixed(0);
  return (
    `${secrets.length} revocations on A while B was loaded: B refused after p50 ${ms(quantile(delays, 0.5))} ms, p99 ${ms(quantile(delays, 0.99))} ms, max ${ms(Math.max(...delays))} ms; ` +
    `answers still active after A answered: ${acceptedAfter.reduce((sum, n) => sum + n, 0)} in all, at most ${Math.max(...acceptedAfter)} in one trial\n`
  );
}

async function main(): Promise<void> {
  const scratch = await createScratchMysqlDatabase(SERVER_URL, 'bench');
  const compareScratch = COMPARE_TOKENS ? await createScratchMysqlDatabase(SERVER_URL, 'bench_compare') : null;
  const children: ChildProcess[] = [];
  try {
    process.stdout.write(`seeding ${TOKENS} tokens…\n`);
    const { caller, subject, hot, cold, revocable } = await seed(scratch.url, TOKENS);
    if (compareScratch) process.stdout.write(`seeding ${COMPARE_TOKENS} tokens for the comparison…\n`);
    const compared = compareScratch ? await seed(compareScratch.url, COMPARE_TOKENS!) : null;
    const profile = process.env.BENCH_PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    // e.g. the heap settings of deploy/configmap.yaml, for Tessera, the floor, bare Apollo and graphql-jit alike (not for the
    // memory reference below, which holds every row by design: a million rows do not fit a 192 MB heap).
    // Every server runs in production mode, as deployed: graphql-js checks every type with a costly
    // instanceOf outside it (bare Apollo's page of 50 spent 9 % of its CPU there).
    const production = { NODE_ENV: 'production' };
    const runtime: Record<string, string> = { ...production, ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}) };
    const tesseraEnv = {
      ...runtime,
      DATABASE_URL: scratch.url,
      TESSERA_TOKEN_PEPPER: PEPPER,
      TESSERA_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
    };
    const tessera = await start('node', [...profile, 'dist/src/main.js'], { ...tesseraEnv, PORT: '4801' }, 'Tessera listening');
    children.push(tessera);
    // A second instance on the same database: receives the revocations made on the first.
    const second = await start('node', ['dist/src/main.js'], { ...tesseraEnv, PORT: '4804' }, 'Tessera listening');
    children.push(second);
    // Today's path for comparison: the same server with the cache off.
    const uncached = await start('node', ['dist/src/main.js'], { ...tesseraEnv, PORT: '4805', TESSERA_TOKEN_CACHE_ENTRIES: '0' }, 'Tessera listening');
    children.push(uncached);
    const floor = await start('node', [...profile, '-r', 'ts-node/register/transpile-only', 'bench/floor-server.ts'], { ...runtime, PORT: '4802', DATABASE_URL: scratch.url, PEPPER }, 'ready');
    children.push(floor);
    const apollo = await start('node', [...profile, '-r', 'ts-node/register/transpile-only', 'bench/apollo-server.ts'], { ...runtime, PORT: '4803', DATABASE_URL: scratch.url, PEPPER }, 'ready');
    children.push(apollo);
    const compareTessera = compareScratch
      ? await start('node', ['dist/src/main.js'], { ...tesseraEnv, DATABASE_URL: compareScratch.url, PORT: '4809' }, 'Tessera listening')
      : null;
    if (compareTessera) children.push(compareTessera);
    const baseline = BASELINE ? await start('node', [BASELINE], { ...tesseraEnv, PORT: '4810' }, 'Tessera listening') : null;
    if (baseline) children.push(baseline);
    // The same schema and resolvers as bare Apollo, executed by graphql-jit: what the executor costs.
    const jit = await start('node', [...profile, '-r', 'ts-node/register/transpile-only', 'bench/graphql-jit-server.ts'], { ...runtime, PORT: '4807', DATABASE_URL: scratch.url, PEPPER }, 'ready');
    children.push(jit);
    // The floor with every row in memory: what a cache hit could cost at the least.
    const memory = await start('node', [...profile, '-r', 'ts-node/register/transpile-only', 'bench/floor-server.ts'], { ...production, PORT: '4806', DATABASE_URL: scratch.url, PEPPER, LOOKUP: 'memory' }, 'ready');
    children.push(memory);

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const introspection = (port: number, bearer = caller): autocannon.Options => ({ url: `http://127.0.0.1:${port}/oauth/introspect`, method: 'POST', headers: { ...form, authorization: `Bearer ${bearer}` } });
    const viewer = (port: number): autocannon.Options => ({
      url: `http://127.0.0.1:${port}/graphql`, method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${subject}` },
      body: JSON.stringify({ query: '{ viewer { authMethod scopes principal { ... on User { id email } } } }' }),
    });
    // The first page of the caller's own tokens with who owns and created each, and its resource
    // (null here: the seeded tokens are personal), against the goal of at most 2x { viewer }'s CPU.
    const tokenPage = (port: number): autocannon.Options => ({
      ...viewer(port),
      body: JSON.stringify({
        query: '{ viewer { accessTokens(first: 50) { edges { node { id name status scopes expiresAt lastUsedAt owner { ... on User { id email } } createdBy { ... on User { id email } } resource { __typename } } } } } }',
      }),
    });
    const tokenForm = (secret: string) => `token=${secret}`;
    const scenarios: Array<[string, number, autocannon.Options]> = [
      ['floor: prepared point select', floor.pid!, rotating({ url: 'http://127.0.0.1:4802/', method: 'POST', headers: form }, tokenForm, hot)],
      ['reference: the floor answering from memory', memory.pid!, rotating({ url: 'http://127.0.0.1:4806/', method: 'POST', headers: form }, tokenForm, hot)],
      [`Tessera: introspect, cache hot (${HOT} subjects)`, tessera.pid!, rotating(introspection(4801), tokenForm, hot)],
      ...(compareTessera && compared
        ? [[`Tessera at ${COMPARE_TOKENS} tokens: introspect, cache hot (${HOT} subjects)`, compareTessera.pid!, rotating(introspection(4809, compared.caller), tokenForm, compared.hot)] as [string, number, autocannon.Options]]
        : []),
      ...(baseline
        ? ([
            [`baseline build: introspect, cache hot (${HOT} subjects)`, baseline.pid!, rotating(introspection(4810), tokenForm, hot)],
            ['baseline build: GraphQL { viewer }', baseline.pid!, viewer(4810)],
          ] as Array<[string, number, autocannon.Options]>)
        : []),
      [`Tessera: introspect, cache cold (${COLD} subjects cycled)`, tessera.pid!, cycling(introspection(4801), tokenForm, cold)],
      [`Tessera, cache off: introspect (${COLD} subjects cycled)`, uncached.pid!, cycling(introspection(4805), tokenForm, cold)],
      ['bare Apollo Server: { viewer } (same lookup)', apollo.pid!, viewer(4803)],
      ['Tessera: GraphQL { viewer }', tessera.pid!, viewer(4801)],
      ['bare Apollo Server: page of 50 tokens (same query)', apollo.pid!, tokenPage(4803)],
      ['Tessera: GraphQL page of 50 tokens', tessera.pid!, tokenPage(4801)],
      ['bare graphql-jit: { viewer } (same lookup)', jit.pid!, viewer(4807)],
      ['bare graphql-jit: page of 50 tokens (same query)', jit.pid!, tokenPage(4807)],
    ];
    // BENCH_ONLY (a regular expression) keeps the matching scenarios, and the floor, e.g. for a profile of one path.
    const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
    if (only) scenarios.splice(1, scenarios.length, ...scenarios.slice(1).filter(([name]) => only.test(name)));
    // A GraphQL error still answers 200: check each GraphQL scenario's answer once before loading it.
    for (const [name, , options] of scenarios) {
      if (!String(options.url).endsWith('/graphql')) continue;
      const response = await fetch(String(options.url), { method: 'POST', headers: options.headers as Record<string, string>, body: options.body as string });
      const answer = (await response.json()) as { data?: { viewer?: { accessTokens?: { edges: unknown[] } } }; errors?: unknown };
      const viewer = answer.data?.viewer;
      if (answer.errors || !viewer || (viewer.accessTokens && viewer.accessTokens.edges.length !== 50)) throw new Error(`${name} answered ${JSON.stringify(answer)}`);
    }
    const loadBefore = loadavg().map((n) => n.toFixed(2)).join(' ');
    // Rounds interleave the scenarios so a noisy moment on this shared machine hits all of them.
    const rounds: Result[][] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const results: Result[] = [];
      for (const [name, pid, options] of scenarios) results.push(await load(name, pid, options));
      rounds.push(results);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    process.stdout.write(`\nmachine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; load average before: ${loadBefore}; ${TOKENS} tokens; ${CONNECTIONS} connections, ${DURATION} s per scenario, ${ROUNDS} rounds\n\n`);
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
    // The scenario of one server doing one thing, by the start and a part of its name (e.g. 'bare Apollo Server:', 'page of 50').
    const scenarioOf = (server: string, doing: string) => scenarios.findIndex(([name]) => name.startsWith(server) && name.includes(doing));
    const cpuOf = (index: number) => (index < 0 ? null : median(rounds.map((results) => results[index].cpuUsPerRequest)));
    for (const [server, prefix] of [['Tessera', 'Tessera: GraphQL'], ['bare Apollo Server', 'bare Apollo Server:'], ['bare graphql-jit', 'bare graphql-jit:']]) {
      const [viewerCpu, pageCpu] = [cpuOf(scenarioOf(prefix, '{ viewer }')), cpuOf(scenarioOf(prefix, 'page of 50'))];
      if (viewerCpu && pageCpu) process.stdout.write(`\n${server}: a page of 50 tokens costs ${(pageCpu / viewerCpu).toFixed(2)}x the server CPU of { viewer } (medians: ${pageCpu} vs ${viewerCpu} µs)\n`);
    }
    // One scenario against another in the same rounds: the median of the rounds' changes, and the changes themselves.
    const compare = (title: string, index: number, against: number) => {
      if (index < 0 || against < 0) return;
      const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;
      const changes = (pick: (r: Result) => number) => rounds.map((results) => pick(results[index]) / pick(results[against]) - 1);
      const of = (pick: (r: Result) => number) => `${percent(median(changes(pick)))} (rounds ${changes(pick).map(percent).join(', ')})`;
      process.stdout.write(`\n${title}, median of the rounds' changes: req/s ${of((r) => r.rps)}; server CPU per request ${of((r) => r.cpuUsPerRequest)}\n`);
    };
    compare(`Cache-hot introspection at ${TOKENS} against ${COMPARE_TOKENS} tokens`, scenarioOf('Tessera: introspect', 'cache hot'), scenarioOf(`Tessera at ${COMPARE_TOKENS} tokens`, 'cache hot'));
    compare('Cache-hot introspection, this build against the baseline', scenarioOf('Tessera: introspect', 'cache hot'), scenarioOf('baseline build:', 'cache hot'));
    compare('GraphQL { viewer }, this build against the baseline', scenarioOf('Tessera: GraphQL', '{ viewer }'), scenarioOf('baseline build:', '{ viewer }'));
    // BENCH_REVOCATION_TRIALS=0 skips the cross-instance measurement (profiling, throughput-only runs).
    if (REVOCATION_TRIALS > 0) process.stdout.write(`\n${await measureRevocation('http://127.0.0.1:4801', 'http://127.0.0.1:4804', caller, revocable)}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await scratch.drop();
    await compareScratch?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
