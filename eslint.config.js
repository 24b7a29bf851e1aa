import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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
    // The rules of hooks and the React Compiler-era checks (purity, refs, set-state-in-effect…). `eslint .` exits
    // non-zero only on errors, so exhaustive-deps is raised from the preset's warn to error: a missed dependency fails lint.
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'core and contract run under plain Node: no electron here.' }] }],
    },
  },
);
