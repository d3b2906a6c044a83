import { AuditEventEntity } from '../../src/core/audit/audit-event.entity';
import { RequestContext } from '../../src/core/context/request-context';
import { createLoaders } from '../../src/loaders';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { creatorOf, resourceOf, withRelationsLoaded } from '../../src/modules/access-token/access-token.relations';
import { MembershipEntity } from '../../src/modules/membership/membership.entity';
import { MembershipConnectionResolver, MembershipResolver } from '../../src/modules/membership/membership.resolver';
import { AuditEventActorResolver, AuditEventConnectionResolver } from '../../src/modules/user/user.resolver';
import { QueryCounter } from '../support/query-counter';
import { resolveInfoOf } from '../support/resolve-info';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../support/test-server';
import { createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { issueToken } from '../support/token-helpers';

const PAGE = `query($first: Int) {
  accessTokens(first: $first) {
    edges { node {
      id status scopes
      createdBy { id displayName ... on User { email } }
      owner { __typename ... on TechnicalUser { displayName } ... on User { email } }
      previousToken { id }
      resource {
        __typename
        ... on Organization { name members(first: 3) { totalCount edges { node { role member { __typename } } } } }
        ... on Group { name members(first: 3) { edges { node { role } } } projects(first: 3) { edges { node { name } } } organization { name members(first: 3) { totalCount edges { node { role member { __typename } } } } } }
        ... on Project { name members(first: 3) { edges { node { role } } } group { name } organization { name groups(first: 3) { totalCount edges { node { name } } } members(first: 3) { totalCount edges { node { role member { __typename } } } } } }
      }
    } }
  }
}`;

describe('nested queries go through per-request DataLoaders', () => {
  const counter = new QueryCounter();
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ label: 'dataloaders', sqlLogger: counter });
    admin = await loginAsAdmin(server);
    const owners = await Promise.all([1, 2].map((i) => createUser(server, admin, `owner${i}`)));
    for (const owner of owners) {
      const hierarchy = await createHierarchy(server, owner.token);
      const targets = [{ organizationId: hierarchy.organizationId }, { groupId: hierarchy.groupId }, { projectId: hierarchy.projectId }];
      for (let i = 0; i < 25; i += 1) await issueToken(server, owner.token, { ...targets[i % 3], scopes: ['read_api'] });
    }
    await issueToken(server, admin, { scopes: ['api'], password: ADMIN_PASSWORD });
  });
  afterAll(() => server.stop());

  it('issues as many SQL statements for a page of 50 tokens as for a page of 5', async () => {
    const statements = async (first: number) => {
      const queries = await counter.during(async () => {
        const data = ok(await server.gql(PAGE, { first }, admin));
        expect(data.accessTokens.edges).toHaveLength(first);
      });
      return queries.filter((q) => q.trimStart().toUpperCase().startsWith('SELECT'));
    };
    const five = await statements(5);
    const fifty = await statements(50);
    expect(fifty.length).toBe(five.length);
    expect(fifty.length).toBeLessThanOrEqual(15);
  });

  it('pages nested connections of a page of organizations with as many SQL statements for 5 organizations as for 1', async () => {
    for (let i = 0; i < 4; i += 1) await createHierarchy(server, admin);
    const NESTED = `query($first: Int) { organizations(first: $first) { edges { node {
      groups(first: 2) { totalCount edges { node { name members(first: 2) { edges { node { role } } } projects(first: 2) { totalCount edges { node { name } } } } } }
      members(first: 2) { totalCount edges { node { role member { __typename } } } pageInfo { hasNextPage } }
    } } } }`;
    const statements = async (first: number) => {
      const queries = await counter.during(async () => {
        const data = ok(await server.gql(NESTED, { first }, admin));
        expect(data.organizations.edges).toHaveLength(first);
        for (const { node } of data.organizations.edges) {
          expect(node.groups.totalCount).toBe(1);
          expect(node.groups.edges[0].node.projects.totalCount).toBe(1);
          expect(node.members.totalCount).toBeGreaterThanOrEqual(1);
        }
      });
      return queries.filter((q) => q.trimStart().toUpperCase().startsWith('SELECT'));
    };
    const one = await statements(1);
    const five = await statements(5);
    expect(five.length).toBe(one.length);
    expect(five.length).toBeLessThanOrEqual(12);
  });

  it('counts the whole list only when totalCount is asked for', async () => {
    const counts = async (selection: string) =>
      (await counter.during(() => server.gql(`{ accessTokens(first: 5) { ${selection} } }`, {}, admin))).filter((q) => /COUNT\(/i.test(q));
    expect(await counts('edges { node { id } }')).toHaveLength(0);
    expect(await counts('totalCount edges { node { id } }')).toHaveLength(1);
  });

  it('reads owners and creators for a page of tokens in one statement, and only when the page selects them', async () => {
    const selects = async (node: string) => {
      const queries = await counter.during(async () => {
        const data = ok(await server.gql(`{ accessTokens(first: 40) { edges { node { id ${node} } } } }`, {}, admin));
        expect(data.accessTokens.edges).toHaveLength(40);
        for (const { node: token } of data.accessTokens.edges) {
          if ('owner' in token) expect(token.owner).toEqual(expect.any(Object));
          if ('status' in token) expect(token.status).toBe('ACTIVE');
        }
      });
      return queries.filter((q) => q.trimStart().toUpperCase().startsWith('SELECT'));
    };
    const bare = await selects('name');
    const users = (queries: string[]) => queries.filter((q) => /\bFROM [`"]?users[`"]?/i.test(q)).length;
    for (const node of ['status', 'owner { id }', 'createdBy { displayName }', 'status owner { __typename } ... on AccessToken { createdBy { id } }']) {
      const withPeople = await selects(node);
      expect({ node, statements: withPeople.length, users: users(withPeople) }).toEqual({ node, statements: bare.length + 1, users: users(bare) + 1 });
    }
  });

  it('loads the owners, creators and resources a page of tokens selects before its nodes resolve, so those fields answer at once', async () => {
    const tokens = await server.db.manager.find(AccessTokenEntity, { take: 40, order: { id: 'DESC' } });
    expect(tokens.filter((token) => token.resourceType).length).toBeGreaterThan(0);
    const edges = tokens.map((node) => ({ cursor: node.id, node }));
    // The info of the `edges` field of a page.
    const selecting = (node: string) => resolveInfoOf(`{ edges { node { id ${node} } } }`);
    const contextWith = () => ({ loaders: createLoaders(server.db) }) as unknown as RequestContext;

    const bare = contextWith();
    await withRelationsLoaded(bare, selecting('name'), edges);
    expect(bare.loaders.userById.peekOrLoad(tokens[0].ownerId)).toBeInstanceOf(Promise);

    const full = contextWith();
    await withRelationsLoaded(full, selecting('status createdBy { id } resource { __typename }'), edges);
    for (const token of tokens) {
      expect(full.loaders.userById.peekOrLoad(token.ownerId)).not.toBeInstanceOf(Promise);
      expect(creatorOf(full.loaders, token)).not.toBeInstanceOf(Promise);
      expect(resourceOf(full.loaders, token)).not.toBeInstanceOf(Promise);
    }
  });

  it('loads the members and resources a page of memberships selects, and the actors of a page of audit events, before their nodes resolve', async () => {
    const contextWith = () => ({ loaders: createLoaders(server.db) }) as unknown as RequestContext;
    const page = <T extends { id: string }>(nodes: T[]) => ({ edges: nodes.map((node) => ({ cursor: node.id, node })), pageInfo: {}, totalCount: () => nodes.length }) as never;

    const memberships = await server.db.manager.find(MembershipEntity, { take: 20 });
    expect(memberships.length).toBeGreaterThan(2);
    const [pages, fields] = [new MembershipConnectionResolver(), new MembershipResolver()];
    const unselected = contextWith();
    await pages.edges(unselected, page(memberships), resolveInfoOf('{ edges { node { id role } } }'));
    expect(fields.member(unselected, memberships[0])).toBeInstanceOf(Promise);
    const selected = contextWith();
    await pages.edges(selected, page(memberships), resolveInfoOf('{ edges { node { member { id } ... on Membership { resource { __typename } } } } }'));
    for (const membership of memberships) {
      expect(fields.member(selected, membership)).toEqual(expect.objectContaining({ id: membership.userId }));
      expect(fields.resource(selected, membership)).toEqual(expect.objectContaining({ id: membership.resourceId }));
    }

    const events = await server.db.manager.find(AuditEventEntity, { take: 20, order: { id: 'DESC' } });
    const acted = events.filter((event) => event.actorId);
    expect(acted.length).toBeGreaterThan(2);
    const [trails, actors] = [new AuditEventConnectionResolver(), new AuditEventActorResolver()];
    const bare = contextWith();
    await trails.edges(bare, page(events), resolveInfoOf('{ edges { node { id action } } }'));
    expect(actors.actor(bare, acted[0])).toBeInstanceOf(Promise);
    const withActors = contextWith();
    await trails.edges(withActors, page(events), resolveInfoOf('{ edges { node { actor { id } } } }'));
    for (const event of acted) expect(actors.actor(withActors, event)).toEqual(expect.objectContaining({ id: event.actorId }));
  });

  it('reads the members of a page of memberships and the actors of a page of audit events in one statement each', async () => {
    const users = async (query: string) =>
      (await counter.during(async () => ok(await server.gql(query, {}, admin)))).filter((q) => q.trimStart().toUpperCase().startsWith('SELECT') && /\bFROM [`"]?users[`"]?/i.test(q)).length;
    const withoutPeople = await users('{ auditEvents(first: 30) { edges { node { id action } } } organizations(first: 5) { edges { node { members(first: 10) { edges { node { role } } } } } } }');
    const withPeople = await users('{ auditEvents(first: 30) { edges { node { id action actor { id } } } } organizations(first: 5) { edges { node { members(first: 10) { edges { node { role member { id } } } } } } } }');
    // One for the actors, one for the members of all five organizations' pages.
    expect(withPeople - withoutPeople).toBe(2);
  });
});
