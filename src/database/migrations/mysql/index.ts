import { Identity1795456945282 } from './1795456945282-Identity';

/** Applied in order; add each generated migration here. */
export const MYSQL_MIGRATIONS = [Identity1795456945282];
