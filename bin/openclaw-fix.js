#!/usr/bin/env node
// Thin launcher: refuse an unsupported Node in syntax every Node parses, then load the CLI.
var parts = process.versions.node.split('.').map(Number);
var args = process.argv.slice(2);
var versionOnly = args.length === 1 && (args[0] === '--version' || args[0] === '-V');
if ((parts[0] < 22 || (parts[0] === 22 && parts[1] < 13)) && !versionOnly) {
  runOnPinnedNodeOrRefuse();
} else if (versionOnly) {
  // `--version` alone is answered without loading the CLI (on any Node): scripts call it to probe the install.
  import('node:fs').then(function (fs) {
    var pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(pkg.version + '\n');
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

/**
 * A clone (`npm install`, then `npm link`) has the project's pinned Node 22 in node_modules/node: run the CLI
 * on it, so `openclaw-fix` on PATH works whatever `node` the shell has. Anything else is refused below.
 */
function runOnPinnedNodeOrRefuse() {
  Promise.all([import('node:fs'), import('node:child_process')]).then(function (m) {
    var fs = m[0];
    var pinned = decodeURIComponent(new URL('../node_modules/node/bin/node', import.meta.url).pathname);
    if (process.env.OPENCLAW_FIX_PINNED_NODE === '1' || !fs.existsSync(pinned)) return refuseOldNode();
    var env = Object.assign({}, process.env, { OPENCLAW_FIX_PINNED_NODE: '1' });
    var child = m[1].spawn(pinned, [process.argv[1]].concat(args), { stdio: 'inherit', env: env });
    // The terminal's Ctrl-C reaches the child too; this process only waits to pass its exit status on.
    process.on('SIGINT', function () {});
    process.on('SIGTERM', function () {
      child.kill('SIGTERM');
    });
    child.on('error', function () {
      refuseOldNode();
    });
    child.on('exit', function (code, signal) {
      process.exit(code === null ? (signal === 'SIGINT' ? 130 : 1) : code);
    });
  });
}

/**
 * Node older than 22.13 (OpenClaw itself needs 22): exit 2 with what to do. A program that asked for JSON
 * (--json, check --format json) still gets the documented error document; GitHub Actions an annotation.
 */
function refuseOldNode() {
  var message =
    'openclaw-fix needs Node.js 22.13 or newer (found ' + process.versions.node + '); OpenClaw itself needs Node 22. ' +
    'Install Node 22 (e.g. `nvm install 22`, or your distribution\'s nodejs 22 package) and run openclaw-fix with it; nothing was changed.';
  var commands = ['doctor', 'check', 'rotate', 'restore', 'guard', 'logs', 'explain'];
  var command = args.filter(function (a) { return commands.indexOf(a) >= 0; })[0] || 'openclaw-fix';
  var format = null;
  for (var i = 0; i < args.length; i++) {
    if (args[i] === '--format') format = args[i + 1];
    else if (args[i].indexOf('--format=') === 0) format = args[i].slice('--format='.length);
  }
  var exitNow = function (version) {
    if (args.indexOf('--json') >= 0 || format === 'json') {
      process.stdout.write(JSON.stringify({ schemaVersion: 1, tool: { name: 'openclaw-fix', version: version }, command: command, ok: false, exitCode: 2, error: { code: 'node-too-old', message: message } }) + '\n');
    } else if (format === 'github') {
      process.stdout.write('::error title=openclaw-fix::' + message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A') + '\n');
    }
    process.stderr.write(message + '\n');
    process.exit(2);
  };
  import('node:fs').then(
    function (fs) {
      var version = null;
      try {
        version = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
      } catch (error) {
        // the error document says null rather than nothing
      }
      exitNow(version);
    },
    function () {
      exitNow(null);
    },
  );
}
