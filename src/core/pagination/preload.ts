import { GraphQLResolveInfo } from 'graphql';
import { Loaded } from '../database/loaders';
import { selectedFields } from '../graphql/selection';
import { Edge } from './connection';

/** What each field of a node reads through the request's loaders, by field name: `owner: (token) => loaders.userById.peekOrLoad(token.ownerId)`. */
export type NodeRelations<T> = Record<string, (node: T) => Loaded<unknown>>;

/**
 * Loads what the nodes of a page select of `relations`, in the batches their fields would make,
 * but before the nodes resolve, so that those fields (reading through `peekOrLoad`) answer at
 * once: a field answering with a promise makes graphql-js complete its node, its edge and the list
 * asynchronously, which was half of a page's CPU. A page that selects none of them loads nothing;
 * a field under `@skip` or `@include` counts as selected. A failed load is no error of the list:
 * DataLoader forgets the failed ids, and each field that reads one loads it again (and fails
 * alone, as before).
 */
export async function withSelectedRelationsLoaded<T>(info: GraphQLResolveInfo, edges: Edge<T>[], relations: NodeRelations<T>): Promise<Edge<T>[]> {
  const selected = selectedFields(info, ['node']);
  const loads = Object.entries(relations).flatMap(([field, load]) => (selected.has(field) ? edges.map((edge) => load(edge.node)) : []));
  await Promise.allSettled(loads);
  return edges;
}
