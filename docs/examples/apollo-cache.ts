import { InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

// The arguments that select a different list (filters and order); `first`/`after`/`last`/`before`
// only page through one list, which relayStylePagination merges.
const TOKEN_LIST = ['status', 'level', 'kind', 'search', 'expiresBefore', 'expiresAfter', 'createdById', 'orderBy', 'direction'];
const AUDIT_LIST = ['action', 'actorId', 'outcome', 'targetId'];

/**
 * An Apollo Client cache for Tessera (see docs/APOLLO-CLIENT.md; test/integration/apollo-client.test.ts
 * runs it). Every object type a client reads twice has an `id`, so the defaults normalize it; what
 * is declared here is only what the cache cannot guess.
 */
export function createTesseraCache(): InMemoryCache {
  return new InMemoryCache({
    // Fragments on `Principal` and `Resource` (`... on User`, `... on Project`) match only with these.
    possibleTypes: {
      Principal: ['User', 'TechnicalUser'],
      Resource: ['Organization', 'Group', 'Project'],
    },
    typePolicies: {
      // The one type without an id: a scope is known by its name.
      ScopeDescription: { keyFields: ['name'] },
      Query: {
        fields: {
          accessTokens: relayStylePagination(TOKEN_LIST),
          auditEvents: relayStylePagination(AUDIT_LIST),
          organizations: relayStylePagination(),
          users: relayStylePagination(['status', 'search']),
          oauthClients: relayStylePagination(),
          // `accessToken(id:)` answers from the cache when the token is already there (e.g. from a list).
          accessToken: { read: (existing, { args, toReference }) => existing ?? toReference({ __typename: 'AccessToken', id: args?.id }) },
        },
      },
      Viewer: { fields: { accessTokens: relayStylePagination(TOKEN_LIST), auditEvents: relayStylePagination(AUDIT_LIST), memberships: relayStylePagination() } },
      Organization: { fields: { accessTokens: relayStylePagination(TOKEN_LIST), auditEvents: relayStylePagination(AUDIT_LIST), groups: relayStylePagination(), members: relayStylePagination() } },
      Group: { fields: { accessTokens: relayStylePagination(TOKEN_LIST), projects: relayStylePagination(), members: relayStylePagination() } },
      Project: { fields: { accessTokens: relayStylePagination(TOKEN_LIST), members: relayStylePagination() } },
      AccessToken: { fields: { usage: relayStylePagination() } },
    },
  });
}

/**
 * After `deleteAccessToken` (or `deleteOAuthClient`, `removeMembership`…), whose payload is only the
 * deleted id: drop the record, and every list edge pointing at it disappears with it.
 */
export function evictDeleted(cache: InMemoryCache, __typename: string, deletedId: string): void {
  cache.evict({ id: cache.identify({ __typename, id: deletedId }) });
  cache.gc();
}
