// Bundles dist/ (tsc output) into dist/bundle/: one file for the start-up path and one chunk per lazily
// loaded command, so `doctor` never loads the prompt library, SQLite or the repair code. Every library is
// inlined: an installed openclaw-fix needs no node_modules.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: 'dist/main.js',
  platform: 'node',
  // node:sqlite and the other builtins stay imports; everything else (commander, chalk, prompts) is inlined.
  external: [/^node:/],
  // jsonc-parser's "main" is a UMD build whose require() calls a bundler cannot follow; its ESM build is the same code.
  resolve: { alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } },
  // cleanDir: chunk names carry a hash, so without it every build would leave the last one's chunks behind.
  output: { dir: 'dist/bundle', format: 'esm', chunkFileNames: '[name]-[hash].js', sourcemap: false, cleanDir: true },
});
