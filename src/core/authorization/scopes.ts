/**
 * The two scopes that govern this GraphQL API, as the access check reads them: `api` may query and
 * mutate, `read_api` may only query. The access-token module keeps the whole catalogue.
 */
export const API_SCOPE = 'api';
export const READ_API_SCOPE = 'read_api';

/** Whether a caller with these scopes (null: a session, unlimited) may run a query or a mutation. */
export function scopesAllow(scopes: readonly string[] | null, isMutation: boolean): boolean {
  if (scopes === null) return true;
  if (scopes.includes(API_SCOPE)) return true;
  return !isMutation && scopes.includes(READ_API_SCOPE);
}
