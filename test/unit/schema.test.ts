import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedDirective, isSpecifiedScalarType } from 'graphql';
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

  it('describes every type, field, argument and enum value (Sandbox and schema.graphql are the API docs)', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
      if (!type.description) missing.push(type.name);
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    for (const directive of schema.getDirectives().filter((d) => !isSpecifiedDirective(d))) {
      if (!directive.description) missing.push(`@${directive.name}`);
      for (const arg of directive.args) if (!arg.description) missing.push(`@${directive.name}(${arg.name})`);
    }
    expect(missing).toEqual([]);
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
