import { GraphQLResolveInfo, Kind, OperationDefinitionNode, parse } from 'graphql';

/**
 * The part of a GraphQLResolveInfo that selection helpers read, for the first field of `document`'s
 * operation: its node and the document's named fragments.
 */
export function resolveInfoOf(document: string): GraphQLResolveInfo {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(parsed.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
  return { fieldNodes: [operation.selectionSet.selections[0]], fragments } as unknown as GraphQLResolveInfo;
}
