/**
 * The dependency rules of Tessera's code (README "Code layout"), checked by `npm run lint:deps` in CI.
 * Core is a foundation that knows no domain; modules stand on core; the composition root
 * (src/*.ts and src/database/) wires modules into core. Type-only imports count too.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-knows-no-module',
      comment: 'src/core/ imports nothing from src/modules/: modules register what core needs (access targets, hooks, registries).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'core-knows-no-composition-root',
      comment: 'src/core/ imports nothing from the composition root (src/*.ts, src/database/).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/([^/]+\\.ts|database/)' },
    },
    {
      name: 'modules-do-not-reach-the-root',
      comment: 'Modules stand on core and on other modules, never on the composition root that wires them.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/([^/]+\\.ts|database/)' },
    },
    {
      name: 'resolvers-belong-to-the-schema',
      comment: 'A resolver is wired by src/schema.ts only; other code calls the service behind it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/schema\\.ts$' },
      to: { path: '\\.resolver\\.ts$' },
    },
    {
      name: 'policies-stay-in-their-module',
      comment: "A module's policy (who may do what to its records) is read by that module only.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+\\.policy\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'No import loops, type-only imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'Every source file is used by something (entry points excepted).',
      severity: 'error',
      from: { orphan: true, path: '^(src|scripts|bench|test)/', pathNot: ['^src/main\\.ts$', '^src/cli/main\\.ts$', '\\.d\\.ts$', '\\.test\\.ts$', '^(scripts|bench)/[^/]+\\.ts$', '^ormconfig\\.ts$', '^test/clients/', '\\.mjs$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
