import { ValidationError, validate } from 'class-validator';
import { GraphQLFieldConfig, GraphQLID, GraphQLInputType, GraphQLSchema, defaultFieldResolver, isInputObjectType, isListType, isNonNullType, isScalarType } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { ValidatorFn } from 'type-graphql';
import { AppError, ErrorCode, FieldError } from '../errors/app-error';
import { validationFields } from '../errors/format-error';
import { isId } from '../validation/id';

const OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true, validationError: { target: false, value: false } };

const sameKeys = (a: object, b: object): boolean => {
  const left = Object.keys(a).sort();
  const right = Object.keys(b).sort();
  return left.length === right.length && left.every((key, i) => key === right[i]);
};

const refuse = (fields: FieldError[]): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${[...new Set(fields.map((f) => f.field))].join(', ')}`, { fields });

/**
 * class-validator on every input and args object, with failing fields named by their full
 * argument path (`input.name`, or `first` for top-level arguments), like every other BAD_USER_INPUT.
 */
export const validateArgs: ValidatorFn = async (argValue, _argType, { args }) => {
  if (argValue === null || typeof argValue !== 'object' || argValue instanceof Date) return;
  const values: object[] = Array.isArray(argValue) ? argValue.filter((v) => v && typeof v === 'object') : [argValue];
  const errors: ValidationError[] = (await Promise.all(values.map((value) => validate(value, OPTIONS)))).flat();
  if (!errors.length) return;
  // An input-type argument arrives as one named argument; an args-type object spreads over all of them.
  const argument = Object.entries(args).find(([, raw]) => raw && typeof raw === 'object' && !Array.isArray(raw) && sameKeys(raw, argValue))?.[0];
  throw refuse(validationFields(errors, argument ?? ''));
};

// A UTF-16 surrogate without its pair: JSON can carry one ("\ud800"), but it is no character, and
// databases and libraries store it as U+FFFD or throw on it.
const LONE_SURROGATE = /\p{Cs}/u;

/** Appends to `found` every lone-surrogate string and every ID that is not an id inside `value`, an argument of `type`. */
function malformedValues(type: GraphQLInputType, value: unknown, path: string, found: FieldError[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return malformedValues(type.ofType, value, path, found);
  if (isListType(type)) {
    for (const item of Array.isArray(value) ? value : [value]) malformedValues(type.ofType, item, path, found);
    return;
  }
  if (isInputObjectType(type)) {
    for (const [name, field] of Object.entries(type.getFields())) malformedValues(field.type, (value as Record<string, unknown>)[name], `${path}.${name}`, found);
    return;
  }
  if (typeof value !== 'string') return;
  const property = path.slice(path.lastIndexOf('.') + 1);
  if (LONE_SURROGATE.test(value)) found.push({ field: path, constraint: 'isWellFormed', message: `${property} must be well-formed Unicode text (it holds an unpaired surrogate)` });
  else if (isScalarType(type) && type.name === GraphQLID.name && !isId(value)) found.push({ field: path, constraint: 'isId', message: `${property} must be an id as the API returns it (a lowercase UUID)` });
}

/**
 * Refuses, before access control, auditing or any validator sees them, the argument values no
 * field can use: text with unpaired surrogates and ids that are not ids. Every field with
 * arguments is covered, derived from its argument types, so new fields need nothing.
 */
export function refuseMalformedArguments(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field: GraphQLFieldConfig<unknown, unknown>) => {
      const argumentTypes = Object.entries(field.args ?? {}).map(([name, arg]) => [name, arg.type] as const);
      if (!argumentTypes.length) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve: (source, args, context, info) => {
          const found: FieldError[] = [];
          for (const [name, type] of argumentTypes) malformedValues(type, args[name], name, found);
          if (found.length) throw refuse(found);
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
