import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTesseraSchema, printTesseraSchema } from '../src/schema';

// `npm run schema` writes schema.graphql from the code; `--check` fails when the file is stale.
const file = join(__dirname, '..', 'schema.graphql');

async function main(): Promise<void> {
  const sdl = printTesseraSchema(await buildTesseraSchema());
  if (process.argv.includes('--check')) {
    const committed = readFileSync(file, 'utf8');
    if (committed !== sdl) {
      console.error('schema.graphql is stale: run `npm run schema` and commit the result');
      process.exit(1);
    }
    console.log('schema.graphql matches the code');
    return;
  }
  writeFileSync(file, sdl);
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
