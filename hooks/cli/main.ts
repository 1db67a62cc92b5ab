/**
 * `pgmeta` / `kubectl pgmeta`: finds the command, parses its flags, loads its module and runs it.
 * Exit codes: 0 done, 1 the command failed (an invalid spec, an operation that failed, an API
 * error), 2 wrong usage. No stack trace reaches the user: an unexpected error prints its message.
 */
import { parseArgs, UsageError } from './args.js';
import { findCommand, type Run } from './commands.js';
import { commandHelp, overview } from './help.js';
import type { CliIo } from './io.js';
import { load } from './lazy.js';

export type { CliIo } from './io.js';

/** An error whose message is already what the user should read (API errors, timeouts). */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export async function main(argv: readonly string[], io: CliIo, prog = 'pgmeta'): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? findCommand(rest[0]) : undefined;
    (name === undefined ? io.err : io.out)(topic ? commandHelp(prog, topic) : overview(prog));
    return name === undefined ? 2 : 0;
  }
  const command = findCommand(name);
  if (!command) {
    io.err(`${prog}: unknown command ${JSON.stringify(name)}\n\n${overview(prog)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(prog, command));
    return 0;
  }
  try {
    const parsed = parseArgs(rest, command.flags);
    const mod = load<Record<string, Run>>(command.module);
    const run = mod[command.run];
    if (!run) throw new Error(`command ${command.name} has no ${command.run}`);
    return await run(parsed, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${prog} ${command.name}: ${e.message}\nusage: ${prog} ${command.usage}`);
      return 2;
    }
    if (e instanceof CliError) {
      io.err(`error: ${e.message}`);
      return e.exitCode;
    }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
