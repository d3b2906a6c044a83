/**
 * The scopes an access token may carry: the catalogue, in one place. `api` and `read_api`
 * govern this GraphQL API; the others are for the services that introspect tokens.
 */
export enum Scope {
  API = 'api',
  READ_API = 'read_api',
  READ_REPOSITORY = 'read_repository',
  WRITE_REPOSITORY = 'write_repository',
  UPLOAD = 'upload',
  DOWNLOAD = 'download',
  INTROSPECT = 'introspect',
}

/** Whether a caller with these scopes (null: a session, unlimited) may run a query or a mutation. */
export function scopesAllow(scopes: readonly string[] | null, isMutation: boolean): boolean {
  if (scopes === null) return true;
  if (scopes.includes(Scope.API)) return true;
  return !isMutation && scopes.includes(Scope.READ_API);
}
