// Tests are transpiled file by file (tsconfig.test.json); `npm run typecheck` checks types.
// Unit tests run once; integration tests run on SQLite, and again on MySQL when TEST_MYSQL_URL
// names a server (e.g. mysql://root@127.0.0.1:3306 or mariadb://…): each file gets its own database.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

const integration = (database) => ({
  ...common,
  displayName: `integration:${database}`,
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  globals: { TESSERA_TEST_DB: database },
});

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    integration('sqlite'),
    ...(process.env.TEST_MYSQL_URL ? [integration('mysql')] : []),
  ],
};
