// Runs graphql-codegen (core API) in a plain Node process, as graphql-codegen 6 recommends laying it
// out: the `typescript` plugin writes the schema's types to one file, `typescript-operations` the
// operations' types to another that imports them (`importSchemaTypesFrom`). Its dependencies are
// ES modules that jest cannot load. Reads `{ schema: <SDL>, documents: [{ location, text }], config }`
// as JSON on stdin; writes `{ "schema-types.ts": …, "operations.ts": … }` as JSON to stdout.
import { codegen } from '@graphql-codegen/core';
import * as typescript from '@graphql-codegen/typescript';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { Source, parse } from 'graphql';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { schema, documents, config } = JSON.parse(input);
const common = { schema: parse(schema), pluginMap: { typescript, 'typescript-operations': typescriptOperations }, config };
const files = {
  'schema-types.ts': await codegen({ ...common, filename: 'schema-types.ts', documents: [], plugins: [{ typescript: {} }] }),
  'operations.ts': await codegen({
    ...common,
    filename: 'operations.ts',
    documents: documents.map(({ location, text }) => ({ location, document: parse(new Source(text, location)) })),
    plugins: [{ 'typescript-operations': { importSchemaTypesFrom: './schema-types' } }],
  }),
};
process.stdout.write(JSON.stringify(files));
