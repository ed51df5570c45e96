// Lint rules: typescript-eslint's recommended set, type-aware where it catches real bugs (floating promises).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The live page's modules (api/ui/public) run in a browser: these are the browser globals they use.
// `npm run typecheck:ui` checks them against the DOM types; this only keeps no-undef from flagging them.
const BROWSER_GLOBALS = [
  'window', 'document', 'location', 'console', 'fetch', 'sessionStorage', 'localStorage',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'getComputedStyle',
  'URLSearchParams', 'WebSocket', 'AudioContext', 'ResizeObserver',
  'HTMLElement', 'HTMLButtonElement', 'HTMLDialogElement', 'HTMLFormElement', 'HTMLInputElement',
  'HTMLTextAreaElement', 'HTMLSelectElement', 'SVGSVGElement',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'test-output/**', '.cache/**', 'dashboards/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['api/ui/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: Object.fromEntries(BROWSER_GLOBALS.map((name) => [name, 'readonly'])) },
  },
);
