// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Module paths that open ORT, a session or the page's registry: onnxruntime-web
 * itself, and src/model's index, ort, registry, hooked-model and executor.
 */
const RUNTIME_DOORS =
  /^onnxruntime-web|(^|\/)model(\/(index|ort|registry|hooked-model|executor))?$/;

/**
 * Another folder of src/components, seen from inside one: chapter folders,
 * diagnostics and the appendix may not import each other (only kit/).
 */
const SIBLING_FOLDER = /^\.\.\/(ch\d+|diagnostics|appendix)(\/|$)/;

/** Lint everything we write; `npm run lint` fails on any warning. */
export default defineConfig(
  {
    ignores: [
      'dist/',
      'dist-*/',
      'circuits-book*/',
      '.astro/',
      'node_modules/',
      'public/',
      'training/',
      'test-results/',
      'playwright-report/',
      '.tools/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // The service worker template (copied to the site as sw.js).
    files: ['src/offline/service-worker.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // The one door (issue 12): figures reach ORT only through the kit's runtime
    // door (src/components/kit/runtime.ts), which hands out models from the
    // page's registry, whose every ORT call is a job of the page's executor.
    // Types may be imported from anywhere; values that open ORT, a session or
    // a registry may not. The diagnostics page tests the runtime itself.
    files: ['src/components/**/*.{ts,tsx}'],
    ignores: [
      'src/components/kit/runtime.ts',
      'src/components/Diagnostics.tsx',
      'src/components/diagnostics/**',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: RUNTIME_DOORS.source,
              allowTypeImports: true,
              message:
                "Reach the runtime through the kit's door (loadRuntime, useModels, loadTokenizer in kit/runtime.ts).",
            },
            {
              regex: SIBLING_FOLDER.source,
              message:
                'A chapter folder imports only the kit and the runtime; move what two chapters share into kit/.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=${RUNTIME_DOORS}]`,
          message:
            "Reach the runtime through the kit's door (loadRuntime, useModels, loadTokenizer in kit/runtime.ts).",
        },
      ],
    },
  },
  {
    // The runtime is a library: it never reaches into the site or the UI.
    files: ['src/model/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(components|lib|pages|layouts)(/|$)',
              message: 'src/model imports nothing from the site; pass what it needs in.',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
