import type { Config } from 'jest';

// Each workspace is a jest project; ts-jest compiles TypeScript with decorator metadata
// (TypeORM and class-validator need it). The database comes from DATABASE_URL, which
// `npm test` (scripts/test.mjs) points at an embedded PostgreSQL unless it is already set.
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true, diagnostics: false }] } as const;

const project = (name: string, dir: string, tests = 'test'): Config => ({
  displayName: name,
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: [`<rootDir>/${tests}/**/*.test.ts`],
  transform: tsJest as unknown as Config['transform'],
  moduleFileExtensions: ['ts', 'js', 'json'],
});

// The SPA's messages (read by shared/test/i18n-keys.test.ts) import the workflows' labels by the SPA's alias.
const spaAliases = { moduleNameMapper: { '^@redheart/workflows/(.*)$': '<rootDir>/src/workflows/$1' } };

const config: Config = {
  projects: [{ ...project('shared', '<rootDir>/shared'), ...spaAliases }, project('org', '<rootDir>/services/org'), project('gateway', '<rootDir>/services/gateway'), project('household', '<rootDir>/services/household'), project('volunteer', '<rootDir>/services/volunteer'), project('notification', '<rootDir>/services/notification'),
    // The whole platform in one process on the demo seed: the authorization walk over the merged OpenAPI document.
    project('e2e', '<rootDir>/tests', 'e2e')],
  // Generous: on the shared 2-core machine under load 60 a small import test took over 60 s. A timeout here
  // catches a hang, it is not a speed check (those are in bench/).
  testTimeout: 180_000,
};

export default config;
