// Bundles dist/ (tsc output) into dist/bundle/: one file for the start-up path and one chunk per lazily
// loaded command, so `doctor` resolves a handful of modules instead of ~100 (measured: npm run bench).
// Then writes dist/help.json: commander's own help, printed by the bundle just built, which
// bin/openclaw-fix.js prints without loading the CLI (test/cli/help.test.ts compares the two).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { defineConfig } from 'rolldown';

/** Every argument list the launcher answers from dist/help.json: the program's help and each command's. */
const COMMANDS = ['doctor', 'rotate', 'restore', 'check', 'guard', 'logs', 'explain'];
const HELP_ARGS = [['--help'], ['-h'], ['help'], ...COMMANDS.flatMap((c) => [[c, '--help'], [c, '-h'], ['help', c]])];

/** Runs the built bundle with stdout a pipe (commander's default width, 80, and no colour), as the launcher will print it. */
function helpText(args) {
  const script = `import('./dist/bundle/main.js').then((m) => m.main(${JSON.stringify(args)})).then((code) => { process.exitCode = code; })`;
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env }, (error, stdout, stderr) => {
      if (error || stderr !== '' || !stdout.startsWith('Usage: openclaw-fix')) {
        reject(new Error(`help for \`${args.join(' ')}\`: ${error ? error.message : 'unexpected output'}; stderr ${JSON.stringify(stderr.slice(0, 300))}`));
      } else resolve([args.join(' '), stdout]);
    });
  });
}

/**
 * Builtins through process.getBuiltinModule instead of ESM imports: an ESM import of a builtin builds a module
 * facade holding every export (doctor's 13 builtins: ~11 ms that way, ~4 ms this way; 4-5 ms of its start). Default and
 * named imports only, the forms rolldown writes at the top of a chunk; `import * as` and import() stay as they are.
 * `globalThis.process`: a chunk may bind `process` itself (import process from "node:process").
 */
const BUILTIN_IMPORT = /^import (?:([\w$]+)|\{([^}]*)\}) from "(node:[\w/]+)";$/gm;

function builtinsWithoutEsm() {
  return {
    name: 'openclaw-fix-builtins-without-esm',
    renderChunk(code) {
      return code.replace(BUILTIN_IMPORT, (statement, binding, named, specifier) => {
        // `{ default as x }` is the module itself, not a property of it: left to the ESM loader.
        if (named !== undefined && /\bdefault\b/.test(named)) return statement;
        const target = binding ?? `{ ${named.trim().replace(/\s+as\s+/g, ': ')} }`;
        return `const ${target} = globalThis.process.getBuiltinModule(${JSON.stringify(specifier)});`;
      });
    },
  };
}

export default defineConfig({
  input: 'dist/main.js',
  platform: 'node',
  // node:sqlite and the other builtins stay imports; everything else (commander, chalk, prompts) is inlined.
  external: [/^node:/],
  // jsonc-parser's "main" is a UMD build whose require() calls a bundler cannot follow; its ESM build is the same code.
  resolve: { alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } },
  // cleanDir: chunk names carry a hash, so without it every build would leave the last one's chunks behind.
  output: { dir: 'dist/bundle', format: 'esm', chunkFileNames: '[name]-[hash].js', sourcemap: false, cleanDir: true },
  plugins: [
    builtinsWithoutEsm(),
    {
      name: 'openclaw-fix-static-help',
      async writeBundle() {
        const help = Object.fromEntries(await Promise.all(HELP_ARGS.map(helpText)));
        writeFileSync('dist/help.json', `${JSON.stringify(help, null, 2)}\n`);
      },
    },
  ],
});
