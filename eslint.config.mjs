// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeBan = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }],
    },
  ],
};

// The property model lives in src/shared: the form and the shared code never reach into the core (nor its undici).
const vscodeAndCoreBan = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }],
      patterns: [{ group: ['**/core/*', '**/core'], message: 'src/shared and src/webview do not import src/core; shared types belong in src/shared.' }],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.vscode-test/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      curly: 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      // A new grant, error kind or message type must be handled in every switch over it.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/core/**'], rules: vscodeBan },
  { files: ['src/shared/**', 'src/webview/**'], rules: vscodeAndCoreBan },
  {
    // The two-bundle rule (src/extension/coreLoader.ts): core classes are not the same class in dist/core.js.
    files: ['src/extension/**'],
    rules: {
      // At activation the extension loads only the core's light folders (the data model; the token broker and its
      // cross-window lock); the rest comes with dist/core.js at the first Execute, through loadCore(). Types from anywhere.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+core(/(?!model/|tokens/).*)?$',
              allowTypeImports: true,
              message: 'src/extension imports at run time only from src/core/model and src/core/tokens; the rest through loadCore() (coreLoader.ts).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator='instanceof'][right.name=/^(InvokerError|DJMessage)$/]",
          message: 'The core is a separate bundle: test `code`/`kind` instead of instanceof (see coreLoader.ts).',
        },
        {
          selector: 'MemberExpression[property.name=/^show(Information|Warning|Error)Message$/]',
          message: 'Notifications go through ./notifications (showInformation/showWarning/showError): outside text must not become a link.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
);
