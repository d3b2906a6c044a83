import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createPool } from 'mysql2';

/**
 * The floor: the least a token check can cost on this stack. Bare node:http, the same form
 * parsing and HMAC as Tessera, and one prepared mysql2 point select on the same table and index.
 * With LOOKUP=memory, the same server answers from every row read into a Map at start: the least a
 * check answered from memory (a cache hit) can cost, the reference for the cache-hot goal.
 * Usage: DATABASE_URL=mysql://… PEPPER=… PORT=… [LOOKUP=memory] ts-node bench/floor-server.ts
 */
const pool = createPool({ uri: process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z' });
const pepper = process.env.PEPPER!;
const COLUMNS = 't.tokenHash, t.id, t.scopeList, t.expiresAt, t.revokedAt, u.status FROM access_tokens t INNER JOIN users u ON u.id = t.ownerId';

interface Row {
  tokenHash: string;
  scopeList: string;
  revokedAt: Date | null;
}
type Lookup = (hash: string, done: (error: Error | null, row?: Row) => void) => void;

const fromDatabase: Lookup = (hash, done) => pool.execute(`SELECT ${COLUMNS} WHERE t.tokenHash = ?`, [hash], (error, rows) => done(error, (rows as Row[] | undefined)?.[0]));

async function fromMemory(): Promise<Lookup> {
  const [rows] = await pool.promise().query(`SELECT ${COLUMNS}`);
  const byHash = new Map((rows as Row[]).map((row) => [row.tokenHash, row]));
  return (hash, done) => done(null, byHash.get(hash));
}

async function main(): Promise<void> {
  // An orderly exit on the bench's SIGTERM, so that a CPU profile (BENCH_PROFILE_DIR) is written.
  process.once('SIGTERM', () => process.exit(0));
  const lookup = process.env.LOOKUP === 'memory' ? await fromMemory() : fromDatabase;
  createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      lookup(createHmac('sha256', pepper).update(token).digest('hex'), (error, row) => {
        if (error) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(row && !row.revokedAt ? { active: true, scope: row.scopeList } : { active: false }));
      });
    });
  }).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
}

void main();
