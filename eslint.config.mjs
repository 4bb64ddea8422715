// ESLint (flat config) for the script pages (wwwroot/*.js, ES modules in the browser), the service worker,
// and the Node tests and scripts. `make test` runs it through scripts/lint.sh.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['wwwroot/lib/**', 'node_modules/**', 'var/**', 'src/**/bin/**', 'src/**/obj/**', 'tests/**/bin/**', 'tests/**/obj/**'] },
  js.configs.recommended,
  {
    files: ['wwwroot/**/*.js'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['wwwroot/sw.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.serviceworker } },
  },
  {
    files: ['tests/**/*.mjs', 'scripts/**/*.mjs', 'bench/**/*.mjs', '*.mjs'],
    // Tests evaluate code in the page too, where Leaflet is the global L.
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node, ...globals.browser, L: 'readonly' } },
  },
  {
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['wwwroot/**/*.js'],
    rules: { 'no-console': 'error' },
  },
];
