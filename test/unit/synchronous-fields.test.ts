import { GraphQLResolveInfo, GraphQLSchema, assertAbstractType } from 'graphql';
import { RowLoader } from '../../src/core/database/loaders';
import { selectedFields } from '../../src/core/graphql/selection';
import { typeNameOf } from '../../src/core/graphql/type-resolution';
import { GroupEntity } from '../../src/modules/group/group.entity';
import { ProjectEntity } from '../../src/modules/project/project.entity';
import { UserKind } from '../../src/modules/user/user.entity';
import { buildTesseraSchema } from '../../src/schema';
import { resolveInfoOf } from '../support/resolve-info';

describe('interfaces and unions resolve their concrete type synchronously', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildTesseraSchema();
  });

  const resolve = (abstract: string, value: unknown) => {
    const type = assertAbstractType(schema.getType(abstract));
    return type.resolveType!(value, {}, {} as GraphQLResolveInfo, type);
  };

  it('names a principal by its kind, not through a promise', () => {
    expect(resolve('Principal', { kind: UserKind.TECHNICAL })).toBe('TechnicalUser');
    expect(resolve('Principal', { kind: UserKind.HUMAN })).toBe('User');
  });

  it('names a resource by its class, not through a promise', () => {
    expect(resolve('Resource', Object.assign(new ProjectEntity(), { id: 'p' }))).toBe('Project');
    expect(resolve('Resource', Object.assign(new GroupEntity(), { id: 'g' }))).toBe('Group');
  });
});

describe('typeNameOf', () => {
  class Project {}
  const nameOfClass = (target: unknown) => (target === Project ? 'Project' : undefined);

  it('keeps a name, names a class by its object type, and settles a promise first', async () => {
    expect(typeNameOf('Group', nameOfClass)).toBe('Group');
    expect(typeNameOf(Project, nameOfClass)).toBe('Project');
    expect(typeNameOf(null, nameOfClass)).toBeUndefined();
    const later = typeNameOf(Promise.resolve(Project), nameOfClass);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe('Project');
  });
});

describe('selectedFields', () => {
  it('finds the fields at a path through inline and named fragments', () => {
    const info = resolveInfoOf(`{ tokens { edges { node { id ...More ... on AccessToken { owner { id } } } } } }
      fragment More on AccessToken { status createdBy { id } }`);
    expect([...selectedFields(info, ['edges', 'node'])].sort()).toEqual(['createdBy', 'id', 'owner', 'status']);
  });

  it('gives nothing for a path the query does not select', () => {
    expect(selectedFields(resolveInfoOf('{ tokens { pageInfo { endCursor } } }'), ['edges', 'node']).size).toBe(0);
  });
});

describe('RowLoader', () => {
  const rows = new Map([['a', { id: 'a' }]]);
  const loader = () => {
    const batches: string[][] = [];
    const rowLoader = new RowLoader<{ id: string }>(async (ids) => {
      batches.push([...ids]);
      return ids.map((id) => rows.get(id) ?? null);
    });
    return { rowLoader, batches };
  };

  it('answers with a promise until a row is loaded, then at once with the same row (or null for none)', async () => {
    const { rowLoader, batches } = loader();
    const first = rowLoader.peekOrLoad('a');
    const missing = rowLoader.peekOrLoad('b');
    expect(first).toBeInstanceOf(Promise);
    expect(missing).toBeInstanceOf(Promise);
    const loaded = await first;
    expect(await missing).toBeNull();
    expect(rowLoader.peekOrLoad('a')).toBe(loaded);
    expect(rowLoader.peekOrLoad('b')).toBeNull();
    expect(batches).toEqual([['a', 'b']]);
  });

  it('keeps nothing from a batch that a clear overtook', async () => {
    let release!: () => void;
    const started: string[][] = [];
    const rowLoader = new RowLoader<{ id: string }>(async (ids) => {
      started.push([...ids]);
      await new Promise<void>((resolve) => (release = resolve));
      return ids.map((id) => ({ id }));
    });
    const pending = rowLoader.load('a');
    while (!started.length) await new Promise((resolve) => setImmediate(resolve));
    rowLoader.clearAll();
    release();
    expect(await pending).toEqual({ id: 'a' });
    expect(rowLoader.peekOrLoad('a')).toBeInstanceOf(Promise);
  });

  it('forgets a cleared row and loads it again', async () => {
    const { rowLoader, batches } = loader();
    await rowLoader.load('a');
    rowLoader.clear('a');
    expect(rowLoader.peekOrLoad('a')).toBeInstanceOf(Promise);
    await rowLoader.load('a');
    rowLoader.clearAll();
    const again = rowLoader.peekOrLoad('a');
    expect(again).toBeInstanceOf(Promise);
    await again;
    expect(batches).toEqual([['a'], ['a'], ['a']]);
  });
});
