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
  enableCompileCache();
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
 * Node's compile cache keeps V8's compiled code of the bundle between runs (~5 ms of every start; npm run bench).
 * It lives in this user's own cache directory, and only where no other user can write on the way to it: V8
 * runs what it loads from there, so a cache another user can replace (a shared /tmp, a home kept by `sudo`)
 * would be their code running as us. Anything unexpected means no cache, never an error.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node program.
 */
function enableCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE || typeof process.getuid !== 'function') return;
  try {
    var fs = process.getBuiltinModule('node:fs');
    var path = process.getBuiltinModule('node:path');
    var base = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : '');
    if (!path.isAbsolute(base)) return;
    var dir = path.join(base, 'openclaw-fix', 'compile-cache');
    var existing = dir;
    while (!fs.existsSync(existing)) existing = path.dirname(existing);
    // Checked before anything is created: nothing is left in a directory that turns out not to be ours.
    if (!ownedAllTheWay(fs, path, fs.realpathSync(existing))) return;
    if (existing !== dir) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!ownedAllTheWay(fs, path, fs.realpathSync(dir))) return;
    }
    process.getBuiltinModule('node:module').enableCompileCache(dir);
  } catch (error) {
    // No cache: only a little slower.
  }
}

/** Every directory from `dir` up to / is this user's or root's, and no one else may write to it (as ssh's StrictModes). */
function ownedAllTheWay(fs, path, dir) {
  var uid = process.getuid();
  for (;;) {
    var stat = fs.statSync(dir);
    if ((stat.uid !== uid && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return false;
    var parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
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
