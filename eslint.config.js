// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
