#!/usr/bin/env node
// Entry point of `npx pgmeta`: the compiled CLI (built by `npm ci` through the prepare script).
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'hooks', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('pgmeta: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
const { runCli } = require(cli);
process.exitCode = runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  readFile: (p) => readFileSync(p),
});
