#!/usr/bin/env node
// Thin launcher: refuse an unsupported Node in syntax every Node parses, then load the CLI.
var parts = process.versions.node.split('.').map(Number);
if (parts[0] < 22 || (parts[0] === 22 && parts[1] < 13)) {
  process.stderr.write('openclaw-fix needs Node.js 22.13 or newer (found ' + process.versions.node + ').\n');
  process.exit(2);
}
var args = process.argv.slice(2);
// `--version` alone is answered without loading the CLI: scripts call it to probe the install.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  import('node:fs').then(function (fs) {
    var pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(pkg.version + '\n');
  });
} else {
  // dist/bundle is one file per command (npm run build: tsc, then rolldown), so start-up resolves few modules.
  import('../dist/bundle/main.js').then(
    function (m) {
      return m.main(args).then(function (code) {
        process.exitCode = code;
      });
    },
    function (error) {
      process.stderr.write('openclaw-fix: cannot load dist/bundle/main.js (' + error.message + '); run `npm run build` first.\n');
      process.exit(2);
    },
  );
}
