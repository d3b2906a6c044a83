import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLSchema, IntrospectionOptions, IntrospectionQuery, Kind, buildClientSchema, getIntrospectionQuery, isObjectType, parse, printSchema } from 'graphql';
import ts from 'typescript';
import { buildTesseraSchema } from '../../src/schema';
import { TestServer, startTestServer } from '../support/test-server';
import { codeOf } from '../support/fixtures';

/**
 * What schema tools send (Apollo Sandbox, GraphiQL, Postman, Insomnia, graphql-codegen): graphql-js's
 * standard introspection query in each of its variants, without credentials, and the types
 * graphql-codegen generates from the answer for the operations in docs/examples/.
 */
const OPTION_NAMES = ['descriptions', 'specifiedByUrl', 'directiveIsRepeatable', 'schemaDescription', 'inputValueDeprecation', 'oneOf'] as const;
const OPTION_SETS: Array<[string, IntrospectionOptions]> = [
  ['every option off', Object.fromEntries(OPTION_NAMES.map((name) => [name, false]))],
  ['every option on', Object.fromEntries(OPTION_NAMES.map((name) => [name, true]))],
  ...OPTION_NAMES.flatMap((name): Array<[string, IntrospectionOptions]> => [
    [`only ${name}`, { ...Object.fromEntries(OPTION_NAMES.map((other) => [other, false])), [name]: true }],
    [`all but ${name}`, { ...Object.fromEntries(OPTION_NAMES.map((other) => [other, true])), [name]: false }],
  ]),
];

const typeNames = (schema: GraphQLSchema) => Object.keys(schema.getTypeMap()).sort();
const fieldCount = (schema: GraphQLSchema) => Object.values(schema.getTypeMap()).reduce((sum, type) => sum + (isObjectType(type) ? Object.keys(type.getFields()).length : 0), 0);

describe.each(['development', 'production'])('schema tools against the running server (NODE_ENV=%s)', (nodeEnv) => {
  let server: TestServer;
  let schema: GraphQLSchema;
  beforeAll(async () => {
    server = await startTestServer({ label: `schema_tools_${nodeEnv.slice(0, 4)}`, env: { NODE_ENV: nodeEnv } });
    schema = await buildTesseraSchema();
  });
  afterAll(() => server.stop());

  const introspect = async (options: IntrospectionOptions) => {
    const response = await server.gql<IntrospectionQuery>(getIntrospectionQuery(options));
    expect(response.errors).toBeUndefined();
    expect(response.status).toBe(200);
    return buildClientSchema(response.data!);
  };

  it.each(OPTION_SETS)('answers the standard introspection query (%s) with the whole schema', async (_name, options) => {
    const introspected = await introspect(options);
    expect(typeNames(introspected)).toEqual(typeNames(schema));
    expect(fieldCount(introspected)).toBe(fieldCount(schema));
  });

  it('still bounds introspection by its shape: nested lists, depth and copies', async () => {
    const lists = await server.gql('{ __schema { directives { args { type { inputFields { type { enumValues { name } } } } } } } }');
    expect(lists.status).toBe(400);
    expect(codeOf(lists)).toBe('BAD_USER_INPUT');
    expect(lists.errors?.[0].extensions.limit).toBe('introspection');
    const deep = await server.gql(`{ __type(name: "Query") { name ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } }`);
    expect(deep.errors?.[0].extensions.limit).toBe('introspection');
    const copies = await server.gql(`{ ${Array.from({ length: 11 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ')} }`);
    expect(copies.errors?.[0].extensions.limit).toBe('maxRootFields');
    // graphql-js refuses types → fields → type → fields → … itself (MaxIntrospectionDepthRule).
    expect(codeOf(await server.gql('{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('graphql-codegen against the running server', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer({ label: 'codegen' });
    dir = mkdtempSync(join(tmpdir(), 'tessera-codegen-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  });

  it('generates TypeScript for every operation in docs/examples/ that compiles without a diagnostic', async () => {
    const response = await server.gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }));
    expect(response.errors).toBeUndefined();
    const examplesDir = join(__dirname, '..', '..', 'docs', 'examples');
    const documents = readdirSync(examplesDir)
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => ({ location: `docs/examples/${file}`, text: readFileSync(join(examplesDir, file), 'utf8') }));
    expect(documents.length).toBeGreaterThan(0);
    const input = { schema: printSchema(buildClientSchema(response.data!)), documents, config: { scalars: { DateTimeISO: 'string' } } };
    const files = JSON.parse(execFileSync(process.execPath, [join(__dirname, '..', 'support', 'codegen.mjs')], { input: JSON.stringify(input), encoding: 'utf8' })) as Record<string, string>;
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const operations = documents.flatMap(({ text }) => parse(text).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [`${d.name!.value}${d.operation === 'query' ? 'Query' : 'Mutation'}`] : [])));
    expect(operations.length).toBeGreaterThan(documents.length);
    for (const operation of operations) {
      expect(files['operations.ts']).toContain(`export type ${operation} = `);
      expect(files['operations.ts']).toContain(`export type ${operation}Variables = `);
    }
    const program = ts.createProgram([join(dir, 'operations.ts'), join(dir, 'schema-types.ts')], { noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
