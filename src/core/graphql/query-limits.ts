import { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLField,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLSkipDirective,
  Kind,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionNode,
  SelectionSetNode,
  TypeMetaFieldDef,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isObjectType,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../pagination/connection';
import { ErrorCode } from '../errors/app-error';

/** OWASP GraphQL limits; each is configurable (see README). */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxRootFields: number;
  /** Lexical tokens per document: the parser stops past it, so nothing else ever sees a bigger document. */
  maxTokens: number;
}

/**
 * Introspection (`__schema`, `__type`) has a shape fixed by the spec, so it is bounded by that shape
 * instead of by the cost budget and depth: the standard introspection query nests three lists
 * (types → fields → args) and goes 15 levels deep (nine `ofType`); anything wider multiplies
 * the schema by itself.
 */
export const INTROSPECTION_LIMITS = { maxDepth: 20, maxNestedLists: 3 } as const;

const LIST_MULTIPLIER = 10;

const isMetaField = (name: string) => name.startsWith('__');

function limitError(limit: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, limit, http: { status: 400 } } });
}

/** The shape of a selection set once its fragments are expanded. */
interface Shape {
  /** Levels of fields, introspection subtrees not counted. */
  depth: number;
  aliases: number;
  cost: number;
  /** Levels and nested list fields of the deepest introspection subtree. */
  introspectionDepth: number;
  introspectionLists: number;
  /** Levels and nested list fields below this point, for the introspection subtree it is part of. */
  levels: number;
  lists: number;
}

const EMPTY: Shape = { depth: 0, aliases: 0, cost: 0, introspectionDepth: 0, introspectionLists: 0, levels: 0, lists: 0 };

/**
 * Measures an operation in one walk over its document: each fragment is measured once and its shape
 * reused at every spread, so the time is linear in the document even when fragments fan out
 * exponentially (their expanded counts then simply exceed the limits).
 *
 * Cost of a field: 1 plus its children, multiplied by the page size for connections
 * (`first`/`last`, default 20; a connection's own `edges` add no factor) and by ten for other lists;
 * a selection set on an interface or union costs as much as its most costly possible type.
 * Introspection costs nothing and has no depth here (see INTROSPECTION_LIMITS).
 */
function measureOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Shape {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const measured = new Map<string, Shape>();

  const included = (node: SelectionNode) =>
    !node.directives?.length ||
    (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false);

  const fieldOf = (parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (parent === schema.getQueryType() && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (parent === schema.getQueryType() && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  };

  const fieldCost = (node: FieldNode, field: GraphQLField<unknown, unknown>, parent: GraphQLCompositeType, childCost: number): number => {
    if (isMetaField(field.name) || isIntrospectionType(parent)) return 0;
    const type = getNullableType(field.type);
    if (getNamedType(type).name.endsWith('Connection')) {
      const args = getArgumentValues(field, node, variables);
      const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
      return 1 + Math.max(size, 1) * childCost;
    }
    const listFactor = isListType(type) && !parent.name.endsWith('Connection') ? LIST_MULTIPLIER : 1;
    return 1 + listFactor * childCost;
  };

  const fragmentShape = (name: string): Shape => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    // Validation already refused cycles; the placeholder keeps this walk finite regardless.
    measured.set(name, EMPTY);
    const shape = fragment && isCompositeType(type) ? measure(fragment.selectionSet, type) : EMPTY;
    measured.set(name, shape);
    return shape;
  };

  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Shape => {
    const total = { ...EMPTY };
    const possibleTypes: readonly GraphQLObjectType[] = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
    const costs = possibleTypes.map(() => 0);
    const add = (child: Shape, depth: number, cost: number, appliesTo: (type: GraphQLObjectType) => boolean) => {
      total.depth = Math.max(total.depth, depth);
      total.aliases += child.aliases;
      total.introspectionDepth = Math.max(total.introspectionDepth, child.introspectionDepth);
      total.introspectionLists = Math.max(total.introspectionLists, child.introspectionLists);
      total.levels = Math.max(total.levels, child.levels);
      total.lists = Math.max(total.lists, child.lists);
      possibleTypes.forEach((type, i) => {
        if (appliesTo(type)) costs[i] += cost;
      });
    };
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind !== Kind.FIELD) {
        const condition = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value)?.typeCondition : selection.typeCondition;
        const type = condition ? schema.getType(condition.name.value) : parent;
        if (!isCompositeType(type)) continue;
        const child = selection.kind === Kind.FRAGMENT_SPREAD ? fragmentShape(selection.name.value) : measure(selection.selectionSet, type);
        add(child, child.depth, child.cost, (possible) => possible === type || (isAbstractType(type) && schema.isSubType(type, possible)));
        continue;
      }
      if (selection.alias) total.aliases += 1;
      const field = fieldOf(parent, selection.name.value);
      if (!field) continue;
      const type = getNamedType(field.type);
      const child = selection.selectionSet && isCompositeType(type) ? measure(selection.selectionSet, type) : EMPTY;
      const levels = 1 + child.levels;
      const lists = (isListType(getNullableType(field.type)) ? 1 : 0) + child.lists;
      const cost = fieldCost(selection, field, parent, child.cost);
      if (field === SchemaMetaFieldDef || field === TypeMetaFieldDef) {
        const introspection = { introspectionDepth: Math.max(child.introspectionDepth, levels), introspectionLists: Math.max(child.introspectionLists, lists) };
        add({ ...child, ...introspection, levels: 0, lists: 0 }, 0, cost, () => true);
      } else {
        add({ ...child, levels, lists }, isMetaField(field.name) || isIntrospectionType(parent) ? 0 : 1 + child.depth, cost, () => true);
      }
    }
    total.cost = Math.max(0, ...costs);
    return total;
  };

  const root = schema.getRootType(operation.operation);
  return root ? measure(operation.selectionSet, root) : EMPTY;
}

/**
 * Checks one operation, whose variables fit their types (coerced), against the limits; throws a
 * 400 BAD_USER_INPUT naming the limit.
 */
export function checkQueryLimits(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, limits: QueryLimits): void {
  const rootFields = operation.selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || s.name.value !== '__typename').length;
  if (rootFields > limits.maxRootFields) throw limitError('maxRootFields', `Too many root fields: ${rootFields} (at most ${limits.maxRootFields})`);
  let shape: Shape;
  try {
    shape = measureOperation(schema, document, operation, variables);
  } catch {
    // A query whose size cannot be known is refused, never run unmeasured.
    throw limitError('maxCost', 'Query too costly: its cost cannot be estimated');
  }
  if (shape.depth > limits.maxDepth) throw limitError('maxDepth', `Query too deep: ${shape.depth} levels (at most ${limits.maxDepth})`);
  if (shape.aliases > limits.maxAliases) throw limitError('maxAliases', `Too many aliases: ${shape.aliases} (at most ${limits.maxAliases})`);
  if (shape.introspectionDepth > INTROSPECTION_LIMITS.maxDepth || shape.introspectionLists > INTROSPECTION_LIMITS.maxNestedLists) {
    throw limitError(
      'introspection',
      `Introspection too deep: ${shape.introspectionDepth} levels, ${shape.introspectionLists} nested lists (at most ${INTROSPECTION_LIMITS.maxDepth} and ${INTROSPECTION_LIMITS.maxNestedLists})`,
    );
  }
  if (shape.cost > limits.maxCost) throw limitError('maxCost', `Query too costly: ${shape.cost} (at most ${limits.maxCost}); ask for smaller pages or fewer nested lists`);
}

/**
 * What a verdict depends on beyond the document: the declared variables that are numbers (page
 * sizes) or booleans (`@include`/`@skip`); of the others only their kind, since cost does not read them.
 */
function verdictKey(operation: OperationDefinitionNode, variables: Record<string, unknown>): string {
  return (operation.variableDefinitions ?? [])
    .map(({ variable }) => {
      const value = variables[variable.name.value];
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === null ? 'null' : typeof value;
    })
    .join(',');
}

/**
 * Applies the limits to every operation once it is parsed, validated and resolved, and refuses
 * operation kinds the schema has no root type for (subscriptions) as the client's error.
 * Apollo hands out the same document object for the same query text, so a passed verdict is
 * remembered per operation and verdict key.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  const passed = new WeakMap<OperationDefinitionNode, Set<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          if (!schema.getRootType(operation.operation)) {
            throw new GraphQLError(`This server does not support ${operation.operation} operations`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          const variables = request.variables ?? {};
          // Variables that do not fit their types: execution refuses them as BAD_USER_INPUT naming
          // the field, with the same coercion and before running anything.
          const { coerced } = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
          if (!coerced) return;
          const key = verdictKey(operation, variables);
          const known = passed.get(operation);
          if (known?.has(key)) return;
          checkQueryLimits(schema, document, operation, coerced, limits);
          if (!known) passed.set(operation, new Set([key]));
          else if (known.size < 100) known.add(key);
        },
      };
    },
  };
}
