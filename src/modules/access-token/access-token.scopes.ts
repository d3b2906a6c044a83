import { API_SCOPE, READ_API_SCOPE } from '../../core/authorization/scopes';
import { AccessTokenLevel } from './access-token.entity';

/**
 * The scopes an access token may carry: the catalogue, in one place. `api` and `read_api`
 * govern this GraphQL API; the others are for the services that introspect tokens.
 */
export const Scope = {
  API: API_SCOPE,
  READ_API: READ_API_SCOPE,
  READ_REPOSITORY: 'read_repository',
  WRITE_REPOSITORY: 'write_repository',
  UPLOAD: 'upload',
  DOWNLOAD: 'download',
  INTROSPECT: 'introspect',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  [Scope.API]: 'Full read and write access to the API.',
  [Scope.READ_API]: 'Read-only access to the API: queries, no mutations.',
  [Scope.READ_REPOSITORY]: 'Read repositories (pull, download an ARC).',
  [Scope.WRITE_REPOSITORY]: 'Write repositories (push, upload an ARC).',
  [Scope.UPLOAD]: 'Upload data (POD Aggregator: upload-only is `upload`, all is `upload` + `download`).',
  [Scope.DOWNLOAD]: 'Download data (POD Aggregator: download-only is `download`).',
  [Scope.INTROSPECT]: 'Ask Tessera whether other tokens are valid (POST /oauth/introspect), for resource servers.',
};

const RESOURCE_SCOPES = [Scope.API, Scope.READ_API, Scope.READ_REPOSITORY, Scope.WRITE_REPOSITORY, Scope.UPLOAD, Scope.DOWNLOAD];

/** Which scopes each level of token offers. */
export const SCOPES_BY_LEVEL: Record<AccessTokenLevel, readonly Scope[]> = {
  [AccessTokenLevel.PERSONAL]: Object.values(Scope),
  [AccessTokenLevel.ORGANIZATION]: [...RESOURCE_SCOPES, Scope.INTROSPECT],
  [AccessTokenLevel.GROUP]: RESOURCE_SCOPES,
  [AccessTokenLevel.PROJECT]: RESOURCE_SCOPES,
};
