#!/usr/bin/env node
// Stand-in `openclaw` command: only its package (package.json, dist/) matters to the tests.
console.log('2026.2.19');
