/**
 * The `pgmeta` command (bin/pgmeta.js, also installed as `kubectl-pgmeta` for `kubectl pgmeta`):
 * operations on running clusters through the Kubernetes API, and the offline `render`/`validate`.
 * The commands live in cli/ (commands.ts lists them); this file is only the process entry.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { main, type CliIo } from './cli/main.js';
import { programName } from './cli/help.js';

export { main, type CliIo };

/** The real process: stdout, stderr, files, environment, terminal, clock. */
export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    readFile: (p) => readFileSync(p),
    writeFile: (p, d) => {
      writeFileSync(p, d);
    },
    env: process.env,
    isTTY: process.stdout.isTTY,
    now: () => new Date(),
  };
}

export async function runProcess(argv: readonly string[], argv1: string | undefined): Promise<void> {
  process.exitCode = await main(argv, processIo(), programName(argv1));
}

if (require.main === module) void runProcess(process.argv.slice(2), process.argv[1]);
