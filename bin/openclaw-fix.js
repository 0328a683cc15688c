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
} else if (args.length <= 2 && (args.indexOf('--help') >= 0 || args.indexOf('-h') >= 0 || args[0] === 'help') && !process.stdout.isTTY) {
  // So is help, when it goes to a pipe or a file: dist/help.json holds what commander printed there at build
  // time (80 columns, no colour). A terminal gets commander itself, which wraps to the window.
  import('node:fs').then(function (fs) {
    var help = null;
    try {
      help = JSON.parse(fs.readFileSync(new URL('../dist/help.json', import.meta.url), 'utf8'));
    } catch (error) {
      // No help.json (an older build): commander answers.
    }
    var text = help && Object.prototype.hasOwnProperty.call(help, args.join(' ')) ? help[args.join(' ')] : null;
    if (typeof text !== 'string') return loadCli();
    // `openclaw-fix --help | head -1` closes the pipe early: that is the reader's choice, not an error.
    process.stdout.on('error', function (error) {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    process.stdout.write(text);
  });
} else {
  loadCli();
}

function loadCli() {
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
