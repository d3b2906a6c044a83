import { ApolloClient, HttpLink, InMemoryCache, TypedDocumentNode, gql } from '@apollo/client';
import { Role } from '../../src/core/authorization/role';
import { createTesseraCache, evictDeleted } from '../../docs/examples/apollo-cache';
import { TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, addMember, createUser, loginAsAdmin } from '../support/fixtures';

// Untyped results: the test reads them like JSON (a page would use graphql-codegen's types).
const graphql = (source: TemplateStringsArray): TypedDocumentNode<any, any> => gql(source);

const LOGIN = graphql`mutation SignIn($input: LoginInput!) { login(input: $input) { sessionToken user { id email } } }`;
const VIEWER_WHO = graphql`query ViewerWho { viewer { id authMethod user { id email displayName } } }`;
const VIEWER_SCOPES = graphql`query ViewerScopes { viewer { id scopes principal { id displayName } } }`;
const SCOPES_DESCRIBED = graphql`query ScopesDescribed { accessTokenScopes(level: PERSONAL) { name description } }`;
const SCOPE_NAMES = graphql`query ScopeNames { accessTokenScopes(level: PERSONAL) { name } }`;
const CREATE = graphql`mutation CreateToken($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id name status createdBy { id displayName } owner { id displayName } } } }`;
const MY_TOKENS = graphql`query MyTokens($first: Int, $after: String) {
  viewer { id accessTokens(first: $first, after: $after) { edges { cursor node { id name status } } pageInfo { hasNextPage endCursor } } }
}`;
const REVOKE = graphql`mutation RevokeToken($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { accessToken { id status revokedAt } } }`;
const DELETE = graphql`mutation DeleteToken($input: AccessTokenIdInput!) { deleteAccessToken(input: $input) { deletedId } }`;
const CREATE_ORGANIZATION = graphql`mutation CreateOrganization($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id name } } }`;
const SET_POLICY = graphql`mutation SetPolicy($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { id requireExpiry maxLifetimeDays } } }`;
const POLICY_EXPIRY = graphql`query PolicyExpiry($id: ID!) { organization(id: $id) { id tokenPolicy { id requireExpiry maxLifetimeDays } } }`;
const POLICY_SCOPES = graphql`query PolicyScopes($id: ID!) { organization(id: $id) { id tokenPolicy { id allowedScopes } } }`;
const MEMBERS = graphql`query Members($id: ID!, $first: Int, $after: String) {
  organization(id: $id) { id members(first: $first, after: $after) { totalCount edges { cursor node { id role member { id displayName } } } pageInfo { hasNextPage endCursor } } }
}`;
const ORGANIZATION_TOKENS = graphql`query OrganizationTokens($id: ID!) {
  organization(id: $id) { id accessTokens(first: 10) { edges { node { id name owner { id displayName } createdBy { id displayName } } } } }
}`;
const MY_AUDIT_TRAIL = graphql`query MyAuditTrail { viewer { id principal { id displayName } auditEvents(first: 5) { edges { node { id action actor { id displayName } } } } } }`;

/** One Apollo Client over HTTP with an InMemoryCache, as a token page runs it; counts its requests. */
function apolloFor(server: TestServer) {
  const session: { token?: string; requests: number } = { requests: 0 };
  const link = new HttpLink({
    uri: `${server.url}/graphql`,
    fetch: (input, init) => {
      session.requests += 1;
      const headers = new Headers(init?.headers);
      if (session.token) headers.set('authorization', `Bearer ${session.token}`);
      return fetch(input, { ...init, headers });
    },
  });
  const cache = createTesseraCache();
  return { session, cache, client: new ApolloClient({ link, cache }) };
}

describe('Apollo Client (InMemoryCache, relayStylePagination) against the API', () => {
  let server: TestServer;
  let admin: string;
  let person: { id: string; email: string };
  let apollo: ReturnType<typeof apolloFor>;

  beforeAll(async () => {
    server = await startTestServer({ label: 'apollo_client' });
    admin = await loginAsAdmin(server);
    const created = await createUser(server, admin, 'frontend');
    person = { id: created.id, email: created.email };
    apollo = apolloFor(server);
  });
  afterAll(() => server.stop());

  it('signs in with the login mutation', async () => {
    const { data } = await apollo.client.mutate({ mutation: LOGIN, variables: { input: { email: person.email, password: USER_PASSWORD } } });
    expect(data.login.user).toMatchObject({ id: person.id, email: person.email });
    apollo.session.token = data.login.sessionToken;
  });

  it('keeps what one query read after another query selects other fields of the same objects', async () => {
    // network-only: each answer is written to the cache, as when two pages load their own queries.
    for (const query of [VIEWER_WHO, VIEWER_SCOPES, SCOPES_DESCRIBED, SCOPE_NAMES]) await apollo.client.query({ query, fetchPolicy: 'network-only' });
    const requests = apollo.session.requests;
    expect(apollo.client.readQuery({ query: VIEWER_WHO })).toEqual({
      viewer: { __typename: 'Viewer', id: person.id, authMethod: 'SESSION', user: { __typename: 'User', id: person.id, email: person.email, displayName: 'frontend' } },
    });
    expect(apollo.client.readQuery({ query: VIEWER_SCOPES })).toMatchObject({ viewer: { id: person.id, scopes: null, principal: { __typename: 'User', id: person.id } } });
    const described = apollo.client.readQuery<{ accessTokenScopes: Array<{ name: string; description: string }> }>({ query: SCOPES_DESCRIBED });
    expect(described?.accessTokenScopes.length).toBeGreaterThan(0);
    expect(described?.accessTokenScopes.every((scope) => scope.description)).toBe(true);
    expect(apollo.session.requests).toBe(requests);
  });

  it('keeps an organization token policy under one identity across selections', async () => {
    const { data } = await apollo.client.mutate({ mutation: CREATE_ORGANIZATION, variables: { input: { name: 'Frontend org' } } });
    const id = data.createOrganization.organization.id;
    await apollo.client.mutate({ mutation: SET_POLICY, variables: { input: { organizationId: id, requireExpiry: true, maxLifetimeDays: 90, allowedScopes: ['read_api'] } } });
    await apollo.client.query({ query: POLICY_EXPIRY, variables: { id }, fetchPolicy: 'network-only' });
    await apollo.client.query({ query: POLICY_SCOPES, variables: { id }, fetchPolicy: 'network-only' });
    expect(apollo.client.readQuery({ query: POLICY_EXPIRY, variables: { id } })).toMatchObject({ organization: { tokenPolicy: { __typename: 'TokenPolicy', id, requireExpiry: true, maxLifetimeDays: 90 } } });
    expect(apollo.client.readQuery({ query: POLICY_SCOPES, variables: { id } })).toMatchObject({ organization: { tokenPolicy: { id, allowedScopes: ['read_api'] } } });
  });

  it('creates tokens, pages through them with fetchMore, and shows a revoke and a delete in the cached list without a refetch', async () => {
    const names = ['one', 'two', 'three', 'four', 'five'];
    const ids: string[] = [];
    for (const name of names) {
      const { data } = await apollo.client.mutate({ mutation: CREATE, variables: { input: { name, scopes: ['read_api'], password: USER_PASSWORD } } });
      ids.push(data.createAccessToken.accessToken.id);
    }
    const newestFirst = [...ids].reverse();

    const list = apollo.client.watchQuery({ query: MY_TOKENS, variables: { first: 2 } });
    const subscription = list.subscribe(() => undefined);
    try {
      let { data } = await list.refetch();
      while (data!.viewer.accessTokens.pageInfo.hasNextPage) {
        ({ data } = await list.fetchMore({ variables: { after: data!.viewer.accessTokens.pageInfo.endCursor } }));
      }
      const cached = () => apollo.client.readQuery<any>({ query: MY_TOKENS, variables: { first: 2 } })!.viewer.accessTokens.edges.map((edge: any) => edge.node);
      expect(cached().map((node: { id: string }) => node.id)).toEqual(newestFirst);

      const requests = apollo.session.requests;
      await apollo.client.mutate({ mutation: REVOKE, variables: { input: { id: ids[1], reason: 'no longer needed' } } });
      expect(cached().find((node: { id: string }) => node.id === ids[1])).toMatchObject({ status: 'REVOKED' });

      const { data: deleted } = await apollo.client.mutate({
        mutation: DELETE,
        variables: { input: { id: ids[3] } },
        update: (cache, result) => evictDeleted(cache as InMemoryCache, 'AccessToken', result.data.deleteAccessToken.deletedId),
      });
      expect(deleted.deleteAccessToken.deletedId).toBe(ids[3]);
      expect(cached().map((node: { id: string }) => node.id)).toEqual(newestFirst.filter((id) => id !== ids[3]));
      // Two mutations, no list refetch.
      expect(apollo.session.requests).toBe(requests + 2);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("pages an organization's members (a connection) with fetchMore", async () => {
    const { data } = await apollo.client.mutate({ mutation: CREATE_ORGANIZATION, variables: { input: { name: 'Members org' } } });
    const id = data.createOrganization.organization.id;
    const others = [];
    for (let i = 0; i < 4; i += 1) {
      const other = await createUser(server, admin, `member${i}`);
      await addMember(server, apollo.session.token!, other.id, { organizationId: id }, Role.VIEWER);
      others.push(other.id);
    }
    const members = apollo.client.watchQuery({ query: MEMBERS, variables: { id, first: 2 } });
    const subscription = members.subscribe(() => undefined);
    try {
      let { data: page } = await members.refetch();
      expect(page!.organization.members.totalCount).toBe(5);
      while (page!.organization.members.pageInfo.hasNextPage) {
        ({ data: page } = await members.fetchMore({ variables: { after: page!.organization.members.pageInfo.endCursor } }));
      }
      const cached = apollo.client.readQuery<any>({ query: MEMBERS, variables: { id, first: 2 } })!.organization.members.edges.map((edge: any) => edge.node.member.id);
      expect(cached).toEqual([person.id, ...others]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('gives one principal one cache identity: the technical user that owns a resource token is also the creator of what it mints', async () => {
    const { data } = await apollo.client.mutate({ mutation: CREATE_ORGANIZATION, variables: { input: { name: 'Minting org' } } });
    const organizationId = data.createOrganization.organization.id;
    const minter = (await apollo.client.mutate({ mutation: CREATE, variables: { input: { organizationId, name: 'minter', role: 'ADMIN', scopes: ['api'], password: USER_PASSWORD } } })).data.createAccessToken;

    const asMinter = apolloFor(server);
    asMinter.session.token = minter.secret;
    const minted = (await asMinter.client.mutate({ mutation: CREATE, variables: { input: { organizationId, name: 'minted', role: 'VIEWER', scopes: ['read_api'] } } })).data.createAccessToken;
    const technicalUser = minter.accessToken.owner.id;
    expect(minted.accessToken.createdBy).toEqual({ __typename: 'TechnicalUser', id: technicalUser, displayName: minter.accessToken.owner.displayName });

    const { data: page } = await apollo.client.query({ query: ORGANIZATION_TOKENS, variables: { id: organizationId } });
    const byName = Object.fromEntries(page.organization.accessTokens.edges.map((edge: any) => [edge.node.name, edge.node]));
    expect(apollo.cache.identify(byName.minted.createdBy)).toBe(`TechnicalUser:${technicalUser}`);
    expect(apollo.cache.identify(byName.minter.owner)).toBe(`TechnicalUser:${technicalUser}`);
    const { data: trail } = await asMinter.client.query({ query: MY_AUDIT_TRAIL });
    const created = trail.viewer.auditEvents.edges.map((edge: any) => edge.node).find((event: any) => event.action === 'createAccessToken');
    expect(asMinter.cache.identify(created.actor)).toBe(`TechnicalUser:${technicalUser}`);
    expect(Object.keys(apollo.cache.extract())).not.toContain(`User:${technicalUser}`);
    expect(Object.keys(asMinter.cache.extract())).not.toContain(`User:${technicalUser}`);
  });
});
