import { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  getNamedType,
  getNullableType,
  isListType,
} from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../pagination/connection';
import { ErrorCode } from '../errors/app-error';

/** OWASP GraphQL limits; each is configurable (see README). */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxRootFields: number;
}

const LIST_MULTIPLIER = 10;

/**
 * Cost of a field: 1 plus its children, multiplied by the page size for connections
 * (`first`/`last`, default 20; a connection's own `edges` add no factor) and by ten for other lists.
 */
const costEstimator: ComplexityEstimator = ({ type: parent, field, args, childComplexity }) => {
  const type = getNullableType(field.type);
  if (getNamedType(type).name.endsWith('Connection')) {
    const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return 1 + Math.max(size, 1) * childComplexity;
  }
  const listFactor = isListType(type) && !parent.name.endsWith('Connection') ? LIST_MULTIPLIER : 1;
  return 1 + listFactor * childComplexity;
};

function limitError(limit: keyof QueryLimits, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, limit, http: { status: 400 } } });
}

interface Shape {
  depth: number;
  aliases: number;
}

/** Depth and alias count of a selection set, following fragments; introspection fields do not count. */
function measure(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): Shape {
  let depth = 0;
  let aliases = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias) aliases += 1;
      const child = selection.selectionSet ? measure(selection.selectionSet, fragments, seen) : { depth: 0, aliases: 0 };
      depth = Math.max(depth, 1 + child.depth);
      aliases += child.aliases;
    } else {
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      if (name && seen.has(name)) continue;
      const set = name ? fragments.get(name)?.selectionSet : selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : undefined;
      if (!set) continue;
      const child = measure(set, fragments, name ? new Set([...seen, name]) : seen);
      depth = Math.max(depth, child.depth);
      aliases += child.aliases;
    }
  }
  return { depth, aliases };
}

/** Checks one operation against the limits; throws a 400 BAD_USER_INPUT naming the limit. */
export function checkQueryLimits(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, limits: QueryLimits): void {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const rootFields = operation.selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || !s.name.value.startsWith('__')).length;
  if (rootFields > limits.maxRootFields) throw limitError('maxRootFields', `Too many root fields: ${rootFields} (at most ${limits.maxRootFields})`);
  const { depth, aliases } = measure(operation.selectionSet, fragments, new Set());
  if (depth > limits.maxDepth) throw limitError('maxDepth', `Query too deep: ${depth} levels (at most ${limits.maxDepth})`);
  if (aliases > limits.maxAliases) throw limitError('maxAliases', `Too many aliases: ${aliases} (at most ${limits.maxAliases})`);
  let cost: number;
  try {
    cost = getComplexity({ schema, query: document, variables, operationName: operation.name?.value, estimators: [costEstimator] });
  } catch (error) {
    // Variables that do not fit their types: execution reports that as BAD_USER_INPUT, naming the field.
    if (error instanceof GraphQLError) return;
    throw error;
  }
  if (cost > limits.maxCost) throw limitError('maxCost', `Query too costly: ${cost} (at most ${limits.maxCost}); ask for smaller pages or fewer nested lists`);
}

/**
 * Applies the limits to every operation once it is parsed, validated and resolved. Apollo hands
 * out the same document object for the same query text, so a verdict is remembered per document,
 * operation and variables.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  const passed = new WeakMap<DocumentNode, Set<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          const known = passed.get(document);
          if (known?.has(key)) return;
          checkQueryLimits(schema, document, operation, request.variables ?? {}, limits);
          if (!known) passed.set(document, new Set([key]));
          else if (known.size < 100) known.add(key);
        },
      };
    },
  };
}
