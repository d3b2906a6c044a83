import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ReferenceContext, referenceContext, referenceSchema } from './reference-schema';

/**
 * The GraphQL reference: bare Apollo Server 5 (standalone, default plugins) on the schema of
 * `bench/reference-schema.ts`. What Tessera's GraphQL path adds beyond this is type-graphql, the
 * access check, the usage record, query limits and TypeORM.
 * Usage: DATABASE_URL=mysql://… PEPPER=… PORT=… ts-node bench/apollo-server.ts
 */
async function main(): Promise<void> {
  const server = new ApolloServer<ReferenceContext>({ schema: referenceSchema() });
  await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: ({ req }) => referenceContext(req.headers.authorization),
  });
  // An orderly exit on the bench's SIGTERM, so that a CPU profile (BENCH_PROFILE_DIR) is written.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
