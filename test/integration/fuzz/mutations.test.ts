import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc, { Arbitrary } from 'fast-check';
import {
  GraphQLField,
  GraphQLInputType,
  GraphQLSchema,
  IntrospectionQuery,
  Kind,
  ObjectTypeDefinitionNode,
  buildClientSchema,
  getIntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
} from 'graphql';
import { AuditEventEntity } from '../../../src/core/audit/audit-event.entity';
import { TokenUsageEntity } from '../../../src/modules/token-usage/token-usage.entity';
import { createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, GraphQLResponse, TestServer, startTestServer } from '../../support/test-server';

/**
 * Property-based fuzzing of every mutation through the real HTTP server: arbitrary strings (any
 * code point, unpaired surrogates, control characters, very long), numbers (huge, negative,
 * fractional), ids and dates in every input field must never give INTERNAL_SERVER_ERROR or an
 * HTTP 5xx, and a refused call must write nothing (the audit trail and usage records aside).
 * Mutations and their input shapes come from the server's introspection, so new ones are fuzzed
 * without a change here. FUZZ_RUNS (runs per mutation) and FUZZ_SEED run it longer or differently.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);

// Test titles only; the test "fuzzes every mutation the server offers" keeps them in step with the server.
const MUTATIONS = (parse(readFileSync(join(__dirname, '../../../schema.graphql'), 'utf8')).definitions.find(
  (definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Mutation',
) as ObjectTypeDefinitionNode).fields!.map((field) => field.name.value).sort();

// Ends the caller's own session: fuzzing it would only sign the fuzzer out.
const SKIPPED = new Set(['logout']);

/** Text a client could send: any code point or UTF-16 unit (lone surrogates included), controls, and very long text. */
const anyText: Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\r', '\n', '\t', '\u0085', '\u2028', '\u202E', '\u2067', '\uFEFF', '\uFE0F', '\ud800', '\udfff', 'a', ' ', '😀', "'", '"', '%', '_', '\\'), maxLength: 30 }),
  // Around the column lengths (36, 64, 100, 255, 500), counted in units that length checks may count differently.
  fc.tuple(fc.constantFrom('a', 'a\uFE0F', '😀', 'é', '\u0000'), fc.oneof(fc.constantFrom(18, 19, 32, 33, 50, 51, 60, 100, 101, 127, 128, 250, 251, 256, 500, 501), fc.integer({ min: 30, max: 3_000 }))).map(([unit, times]) => unit.repeat(times)),
);

const anyNumber: Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.integer({ min: -100, max: 5_000 }),
  fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e300, -1e300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const anyDate: Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.integer({ min: -400, max: 40_000 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString()),
  fc.constantFrom('yesterday', '', '2026-02-30T00:00:00Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '2026-01-01', '1e10'),
  anyText,
);

interface Pools {
  ids: string[];
  scopes: string[];
}

/** Values for one input type, leaning on the field's name for what would get furthest (real ids, the right password, known scopes). */
function valuesOf(type: GraphQLInputType, field: string, pools: Pools, depth = 0): Arbitrary<unknown> {
  if (isNonNullType(type)) return valuesOf(type.ofType, field, pools, depth);
  const optional = (arbitrary: Arbitrary<unknown>): Arbitrary<unknown> => fc.option(arbitrary, { nil: null, freq: 8 });
  if (isListType(type)) return optional(fc.array(valuesOf(type.ofType, field, pools, depth + 1), { maxLength: depth ? 3 : 20 }));
  if (isEnumType(type)) return optional(fc.oneof({ arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)), weight: 9 }, { arbitrary: anyText, weight: 1 }));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(
      Object.fromEntries(fields.map((inner) => [inner.name, isNonNullType(inner.type) ? valuesOf(inner.type, inner.name, pools, depth + 1) : optional(valuesOf(inner.type, inner.name, pools, depth + 1))])),
      { requiredKeys: fields.filter((inner) => isNonNullType(inner.type)).map((inner) => inner.name) },
    );
  }
  if (!isScalarType(type)) throw new Error(`unexpected input type ${String(type)}`);
  switch (type.name) {
    case 'ID':
      return fc.oneof({ arbitrary: fc.constantFrom(...pools.ids), weight: 4 }, { arbitrary: fc.uuid(), weight: 1 }, { arbitrary: anyText, weight: 2 });
    case 'Int':
    case 'Float':
      return anyNumber;
    case 'Boolean':
      return fc.oneof({ arbitrary: fc.boolean(), weight: 9 }, { arbitrary: anyText, weight: 1 });
    case 'DateTimeISO':
      return anyDate;
    default:
      if (/password/i.test(field)) return fc.oneof(fc.constant(ADMIN_PASSWORD), anyText);
      if (/scopes/i.test(field)) return fc.oneof({ arbitrary: fc.constantFrom(...pools.scopes), weight: 3 }, { arbitrary: anyText, weight: 1 });
      if (/email/i.test(field)) return fc.oneof(fc.emailAddress(), fc.constant(ADMIN_EMAIL), anyText);
      return anyText;
  }
}

/** Every row of every table a refused call must not change (the audit trail and usage records may grow). */
async function fingerprint(server: TestServer): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const meta of server.db.entityMetadatas) {
    if (meta.target === AuditEventEntity || meta.target === TokenUsageEntity) continue;
    const order = Object.fromEntries(meta.primaryColumns.map((column) => [column.propertyName, 'ASC' as const]));
    tables[meta.tableName] = await server.db.manager.find(meta.target, { order });
  }
  return JSON.stringify(tables);
}

/** One operation calling `field` with every argument as a variable and selecting only `__typename`. */
function operationFor(field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `mutation${variables ? `(${variables})` : ''} { ${field.name}${call ? `(${call})` : ''} { __typename } }`;
}

describe('fuzzing every mutation with arbitrary input', () => {
  let server: TestServer;
  let admin: string;
  let schema: GraphQLSchema;
  let pools: Pools;

  beforeAll(async () => {
    server = await startTestServer({ label: 'fuzz_mutations', env: { TESSERA_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1000', TESSERA_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000' } });
    admin = await loginAsAdmin(server);
    schema = buildClientSchema(ok<IntrospectionQuery>(await server.gql(getIntrospectionQuery(), {}, admin)));
    const hierarchy = await createHierarchy(server, admin);
    const person = await createUser(server, admin, 'fuzzed');
    const token = ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken { id } } }', { input: { name: 'fuzzed', scopes: ['api'], groupId: hierarchy.groupId, role: 'MEMBER', password: ADMIN_PASSWORD } }, admin));
    const client = ok(await server.gql('mutation { createOAuthClient(input: { clientId: "fuzzed", name: "Fuzzed" }) { oauthClient { id } } }', {}, admin));
    const scopes = ok(await server.gql('{ a: accessTokenScopes(level: PERSONAL) { name } b: accessTokenScopes(level: GROUP) { name } }', {}, admin));
    pools = {
      ids: [...Object.values(hierarchy), person.id, token.createAccessToken.accessToken.id, client.createOAuthClient.oauthClient.id],
      scopes: [...new Set([...scopes.a, ...scopes.b].map((s: { name: string }) => s.name))],
    };
  });
  afterAll(() => server.stop());

  it('fuzzes every mutation the server offers', () => {
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(MUTATIONS);
  });

  it.each(MUTATIONS.filter((name) => !SKIPPED.has(name)))('%s: never an internal error or HTTP 5xx, and a refusal writes nothing', async (name) => {
    const field = schema.getMutationType()!.getFields()[name];
    const query = operationFor(field);
    const variables = fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, valuesOf(arg.type, arg.name, pools)])));
    let before = await fingerprint(server);
    await fc.assert(
      fc.asyncProperty(variables, async (input) => {
        const response: GraphQLResponse = await server.gql(query, input, admin);
        const after = await fingerprint(server);
        const refused = Boolean(response.errors?.length);
        const changed = after !== before;
        before = after;
        expect({ status: response.status < 500, codes: (response.errors ?? []).map((e) => e.extensions.code).filter((code) => code === 'INTERNAL_SERVER_ERROR') }).toEqual({ status: true, codes: [] });
        if (refused) expect({ refusedButWrote: changed, errors: response.errors }).toEqual({ refusedButWrote: false, errors: response.errors });
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
