import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config/config';
import { startServer } from '../src/server';

/**
 * Memory of Apollo's parsed-document cache under distinct documents. An in-process server on SQLite
 * (NODE_ENV=production, default limits) receives, from a separate client process, DOCUMENTS distinct
 * valid token-table queries (about 300 characters, as a frontend sends them), then LARGE distinct
 * documents of about 8,000 characters (just under the token limit). Heap and RSS of the server
 * process, after a full GC, are printed before and every 10,000 documents.
 * Usage: `node --expose-gc -r ts-node/register/transpile-only bench/document-cache.ts`
 * (BENCH_DOCUMENTS, default 40,000; BENCH_LARGE, default 5,000; TESSERA_* variables apply).
 */
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 40_000);
const LARGE = Number(process.env.BENCH_LARGE ?? 5_000);

// The client: plain Node, so its own memory stays out of the measurement.
const CLIENT = `
const [url, documents, large] = process.argv.slice(1).map((v, i) => (i ? Number(v) : v));
const fields = 'id name description hint scopes status createdAt expiresAt lastUsedAt revokedAt revocationReason';
const typical = (i) => 'query TokenTable' + i + '($first: Int, $after: String) { viewer { accessTokens(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ' + fields + ' } } } } }';
const big = (i) => 'query Large' + i + ' { viewer { ' + Array.from({ length: 120 }, (_, j) => 'a' + j + ': accessTokens(first: ' + j + ') { totalCount pageInfo { endCursor } }').join(' ') + ' } }';
(async () => {
  for (let i = 1; i <= documents + large; i += 1) {
    const query = i <= documents ? typical(i) : big(i);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: {} }) });
    await response.arrayBuffer();
    if (i % 10000 === 0 || i === documents || i === documents + large) await new Promise((resolve) => process.send({ sent: i, large: i > documents }, resolve));
  }
})();
`;

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function memory(label: string): void {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  console.log(`${label.padEnd(30)} heap ${megabytes(heapUsed).padStart(7)}  rss ${megabytes(rss).padStart(7)}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  process.env.TESSERA_LOG_SILENT = 'true';
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', PORT: '0', DATABASE_URL: join(dir, 'bench.sqlite'), TESSERA_TOKEN_PEPPER: 'bench-pepper-0123456789abcdef0123456789abcdef' });
  const server = await startServer(config, { print: () => undefined });
  try {
    memory('before');
    const client = spawn(process.execPath, ['-e', CLIENT, `${server.url}/graphql`, String(DOCUMENTS), String(LARGE)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    client.on('message', (message: { sent: number; large: boolean }) => memory(`${message.sent} documents${message.large ? ` (${message.sent - DOCUMENTS} large)` : ''}`));
    await new Promise((resolve) => client.on('exit', resolve));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
