import { GraphQLInterfaceType, GraphQLSchema, GraphQLTypeResolver, GraphQLUnionType } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql wraps every declared `resolveType` in an async function, so each interface or union
 * value (a token's owner and creator, a resource) made graphql-js complete its object, and the
 * objects above it, asynchronously. The declared functions answer with a type name at once; they
 * are used as they are, and type-graphql's wrapper only for another answer (a class or a promise).
 */
export function resolveTypesSynchronously(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const declared = new Map([...storage.unions, ...storage.interfaceTypes].flatMap((type) => (type.resolveType ? [[type.name, type.resolveType] as const] : [])));
  const synchronous = (type: GraphQLInterfaceType | GraphQLUnionType): GraphQLTypeResolver<unknown, unknown> | undefined => {
    const resolveType = declared.get(type.name);
    const wrapped = type.resolveType;
    if (!resolveType || !wrapped) return wrapped ?? undefined;
    return (value, context, info, abstractType) => {
      const name: unknown = resolveType(value, context, info, abstractType);
      return typeof name === 'string' ? name : wrapped(value, context, info, abstractType);
    };
  };
  return mapSchema(schema, {
    [MapperKind.INTERFACE_TYPE]: (type) => new GraphQLInterfaceType({ ...type.toConfig(), resolveType: synchronous(type) }),
    [MapperKind.UNION_TYPE]: (type) => new GraphQLUnionType({ ...type.toConfig(), resolveType: synchronous(type) }),
  });
}
