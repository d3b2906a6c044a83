import { Identity1795456949030 } from './1795456949030-Identity';

/** Applied in order; add each generated migration here. */
export const SQLITE_MIGRATIONS = [Identity1795456949030];
