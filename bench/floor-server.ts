import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createPool } from 'mysql2';

/**
 * The floor: the least a token check can cost on this stack. Bare node:http, the same form
 * parsing and HMAC as Tessera, and one prepared mysql2 point select on the same table and index.
 * Usage: DATABASE_URL=mysql://… PEPPER=… PORT=… ts-node bench/floor-server.ts
 */
const pool = createPool({ uri: process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z' });
const pepper = process.env.PEPPER!;
const SQL = 'SELECT t.id, t.scopeList, t.expiresAt, t.revokedAt, u.status FROM access_tokens t INNER JOIN users u ON u.id = t.ownerId WHERE t.tokenHash = ?';

createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk));
  req.on('end', () => {
    const token = new URLSearchParams(body).get('token') ?? '';
    const hash = createHmac('sha256', pepper).update(token).digest('hex');
    pool.execute(SQL, [hash], (error, rows) => {
      if (error) {
        res.writeHead(500).end();
        return;
      }
      const row = (rows as Array<{ scopeList: string; revokedAt: Date | null }>)[0];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(row && !row.revokedAt ? { active: true, scope: row.scopeList } : { active: false }));
    });
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
