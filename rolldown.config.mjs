// Bundles dist/ (tsc output) into dist/bundle/: one file for the start-up path and one chunk per lazily
// loaded command, so `doctor` resolves a handful of modules instead of ~100 (measured: npm run bench).
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: 'dist/main.js',
  platform: 'node',
  // node:sqlite and the other builtins stay imports; everything else (commander, chalk, prompts) is inlined.
  external: [/^node:/],
  output: { dir: 'dist/bundle', format: 'esm', chunkFileNames: '[name]-[hash].js', sourcemap: false },
});
