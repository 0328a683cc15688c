#!/usr/bin/env node
// Thin launcher: refuse an unsupported Node in syntax every Node parses, then load the CLI.
var parts = process.versions.node.split('.').map(Number);
if (parts[0] < 22 || (parts[0] === 22 && parts[1] < 13)) {
  process.stderr.write('openclaw-fix needs Node.js 22.13 or newer (found ' + process.versions.node + ').\n');
  process.exit(2);
}
import('../dist/main.js').then(
  function (m) {
    return m.main(process.argv.slice(2)).then(function (code) {
      process.exitCode = code;
    });
  },
  function (error) {
    process.stderr.write('openclaw-fix: cannot load dist/main.js (' + error.message + '); run `npm run build` first.\n');
    process.exit(2);
  },
);
