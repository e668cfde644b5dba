// Lint for the Node workspaces (shared, services/*); web/ has its own config for Vue.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'web/**', 'bench/**', 'scripts/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // The gateway imports @redheart/shared's parts one by one: its index loads TypeORM, class-validator, pg-boss and
    // NATS, which the gateway never uses (≈ 900 modules and tens of MiB resident; docs/benchmarks.md, "Memory").
    files: ['services/gateway/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@redheart/shared', message: "import the part from '@redheart/shared/dist/<file>' (the index loads TypeORM and the rest)" }] }],
    },
  },
  {
    files: ['**/test/**/*.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
