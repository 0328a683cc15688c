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
