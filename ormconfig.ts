import 'reflect-metadata';
import { loadConfig, loadDotEnv } from './src/core/config/config';
import { createDataSource } from './src/database/data-source';

// The one DataSource the TypeORM CLI uses (`npm run migrate`, `npm run migration:generate`);
// the server builds the same one from the same DATABASE_URL.
loadDotEnv();
export default createDataSource(loadConfig().databaseUrl);
