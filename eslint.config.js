import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', window: 'readonly', document: 'readonly', fetch: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // electron-vite's ESM output declares its own top-level `require`: a second one breaks the main bundle.
      'no-restricted-syntax': ['error', { selector: "Program > VariableDeclaration > VariableDeclarator[id.name='require']", message: 'Name it differently (e.g. requireCjs): electron-vite declares `require` in the main bundle.' }],
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'core and contract run under plain Node: no electron here.' }] }],
    },
  },
);
