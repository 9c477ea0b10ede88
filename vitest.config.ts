import { defineConfig } from 'vitest/config';

// Unit tests run in Node: the runtime gets onnxruntime-node injected, never the
// browser entry of onnxruntime-web (see src/model/ort.ts).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Model runs on 2 shared cores are slow; keep one file at a time so timings
    // do not fight each other, and give model-backed tests room.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
