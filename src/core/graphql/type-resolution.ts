import { GraphQLInterfaceType, GraphQLSchema, GraphQLTypeResolver, GraphQLUnionType } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getMetadataStorage } from 'type-graphql';

/**
 * The GraphQL type name a type-graphql `resolveType` answer stands for: a name as it is, a class by
 * the object type it declares (`nameOfClass`), a promise once settled; nothing for anything else.
 */
export function typeNameOf(answer: unknown, nameOfClass: (target: unknown) => string | undefined): string | undefined | Promise<string | undefined> {
  if (typeof answer === 'string') return answer;
  if (answer instanceof Promise) return answer.then((settled: unknown) => typeNameOf(settled, nameOfClass));
  return answer ? nameOfClass(answer) : undefined;
}

/**
 * type-graphql wraps every declared `resolveType` in an async function, so each interface or union
 * value (a token's owner and creator, a resource) made graphql-js complete its object, and the
 * objects above it, asynchronously. Declared functions that answer with a name (all of ours) now
 * answer synchronously; a class or a promise is converted as type-graphql would.
 */
export function resolveTypesSynchronously(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const declared = new Map([...storage.unions, ...storage.interfaceTypes].flatMap((type) => (type.resolveType ? [[type.name, type.resolveType] as const] : [])));
  const nameOfClass = (target: unknown) => storage.objectTypes.find((type) => type.target === target)?.name;
  const synchronous = (type: GraphQLInterfaceType | GraphQLUnionType): GraphQLTypeResolver<unknown, unknown> | undefined => {
    const resolveType = declared.get(type.name);
    return resolveType ? (value, context, info, abstractType) => typeNameOf(resolveType(value, context, info, abstractType), nameOfClass) : (type.resolveType ?? undefined);
  };
  return mapSchema(schema, {
    [MapperKind.INTERFACE_TYPE]: (type) => new GraphQLInterfaceType({ ...type.toConfig(), resolveType: synchronous(type) }),
    [MapperKind.UNION_TYPE]: (type) => new GraphQLUnionType({ ...type.toConfig(), resolveType: synchronous(type) }),
  });
}
