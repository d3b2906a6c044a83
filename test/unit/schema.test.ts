import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchema } from 'graphql';
import { accessRuleOf } from '../../src/core/authorization/access-control';
import { buildTesseraSchema, printTesseraSchema } from '../../src/schema';

describe('schema', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildTesseraSchema();
  });

  it('matches the committed schema.graphql (run `npm run schema` after changing the code)', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8')).toBe(printTesseraSchema(schema));
  });

  it('declares an access rule on every root field', () => {
    const missing: string[] = [];
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(type!.getFields())) {
        if (!accessRuleOf(schema, field)) missing.push(`${type!.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps who may call what visible in review (snapshot of every root field rule)', () => {
    const rules: Record<string, unknown> = {};
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(type!.getFields())) rules[`${type!.name}.${field.name}`] = accessRuleOf(schema, field);
    }
    expect(rules).toMatchSnapshot();
  });

  it('lets only login be public', () => {
    const publicFields = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      Object.values(type!.getFields())
        .filter((field) => accessRuleOf(schema, field)?.kind === 'public')
        .map((field) => field.name),
    );
    expect(publicFields).toEqual(['login']);
  });
});
