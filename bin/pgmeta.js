#!/usr/bin/env node
// Entry point of `pgmeta` and `kubectl-pgmeta` (npm installs both names from package.json "bin"):
// the compiled CLI (built by `npm ci` through the prepare script).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'hooks', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('pgmeta: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
void require(cli).runProcess(process.argv.slice(2), process.argv[1]);
