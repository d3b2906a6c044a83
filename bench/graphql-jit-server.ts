import { parse } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { createServer } from 'node:http';
import { referenceContext, referenceSchema } from './reference-schema';

/**
 * The executor reference: the schema of `bench/reference-schema.ts` compiled by graphql-jit (each
 * query compiled once), on bare node:http: what the same page costs when graphql-js's execution is
 * replaced by generated code. No validation, no plugins: a bound, not a server.
 * Usage: DATABASE_URL=mysql://… PEPPER=… PORT=… ts-node bench/graphql-jit-server.ts
 */
const schema = referenceSchema();
const compiled = new Map<string, CompiledQuery>();

function compiledOf(query: string): CompiledQuery {
  let found = compiled.get(query);
  if (!found) {
    const result = compileQuery(schema, parse(query));
    if (!isCompiledQuery(result)) throw new Error(JSON.stringify(result.errors));
    compiled.set(query, (found = result));
  }
  return found;
}

createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk));
  req.on('end', async () => {
    try {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      const compiledQuery = compiledOf(query);
      const result = await compiledQuery.query(undefined, await referenceContext(req.headers.authorization), variables ?? {});
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(compiledQuery.stringify(result));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: error instanceof Error ? error.message : String(error) }] }));
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));

// An orderly exit on the bench's SIGTERM, so that a CPU profile (BENCH_PROFILE_DIR) is written.
process.once('SIGTERM', () => process.exit(0));
