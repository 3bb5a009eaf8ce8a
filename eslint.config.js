// @ts-check
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const packageEntryPoints = {
  group: ['@strata/*/src/*', '@strata/*/dist/*', '**/packages/*/src/*'],
  message: 'import the package by its public name (@strata/x)',
};
// Domains of engine, storage and server (routes/<domain>): today's and the ones planned next.
const domains = [
  'analytics',
  'audit',
  'changes',
  'churn',
  'generate',
  'health',
  'import',
  'ingestion',
  'integrations',
  'jobs',
  'keys',
  'outbound',
  'playbooks',
  'policies',
  'privacy',
  'profiles',
  'runtime',
  'segments',
  'support',
  'support-policies',
  'system',
  'users',
  'webhooks',
  'workspaces',
];
const domainEntryPoints = {
  // A relative path that enters a domain folder from outside it (./x/ from the package root or
  // routes/, ../x/ or deeper from elsewhere) must end at that domain's index.
  regex: `^(?:\\.\\.?/)+(?:routes/)?(?:${domains.join('|')})/(?!index\\.js$)`,
  message: "import another domain through its index.ts (e.g. '../segments/index.js'), not one of its files",
};
const browserOnly = 'core runs in browsers too (the web UI): use web-standard APIs (TextEncoder, Uint8Array, btoa, globalThis.crypto)';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Packages talk through their public entry points only.
      'no-restricted-imports': [
        'error',
        {
          patterns: [packageEntryPoints],
        },
      ],
    },
  },
  {
    // Inside engine, storage and server, domains talk through their index.ts only.
    files: ['packages/engine/src/**', 'packages/storage/src/**', 'packages/server/src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [packageEntryPoints, domainEntryPoints] }],
    },
  },
  {
    // Test support lives outside the packages and reaches their sources on purpose.
    files: ['test-support/**', 'packages/*/test/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Core is pure and must run in a browser: no Node built-in modules and no Node globals, tests included.
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: browserOnly })),
          patterns: [{ group: ['node:*', 'node:*/**'], message: browserOnly }],
        },
      ],
      'no-restricted-syntax': ['error', { selector: 'ImportExpression[source.value=/^node:/]', message: browserOnly }],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', '__dirname', '__filename', 'require', 'module', 'exports', 'global', 'setImmediate', 'clearImmediate'].map(
          (name) => ({ name, message: browserOnly }),
        ),
      ],
      'no-restricted-properties': [
        'error',
        ...['Buffer', 'process', 'require', 'setImmediate', 'global'].map((property) => ({
          object: 'globalThis',
          property,
          message: browserOnly,
        })),
      ],
    },
  },
  {
    // Core's own sources keep to the public entry points of other packages, as everywhere else.
    files: ['packages/core/src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: browserOnly })),
          patterns: [{ group: ['node:*', 'node:*/**'], message: browserOnly }, packageEntryPoints],
        },
      ],
    },
  },
  {
    // These tests check the docs on disk and read their run counts from the environment: they need Node.
    files: [
      'packages/core/src/segments/rule-language-doc.test.ts',
      'packages/core/src/segments/integrations-doc-rules.test.ts',
      'packages/core/src/segments/round-trip.test.ts',
      'packages/core/src/segments/contract-sentences.test.ts',
      'packages/core/src/analytics/analytics-doc.test.ts',
    ],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
