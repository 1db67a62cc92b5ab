/**
 * `pgmeta` / `kubectl pgmeta`: finds the command, parses its flags, loads its module and runs it.
 * Exit codes: 0 done, 1 the command failed (an invalid spec, an operation that failed, an API
 * error), 2 wrong usage. No stack trace reaches the user: an unexpected error prints its message.
 */
import { parseArgs, UsageError } from './args.js';
import { findCommand, type Command, type Run } from './commands.js';
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

/** `pgmeta`, `pgmeta --help`, `pgmeta help CMD`: the usage; undefined for anything else. */
function helpAsked(argv: readonly string[], io: CliIo, prog: string): number | undefined {
  const [name, topic] = argv;
  if (name === undefined) {
    io.err(overview(prog));
    return 2;
  }
  if (name !== '--help' && name !== '-h' && name !== 'help') return undefined;
  const command = name === 'help' ? findCommand(topic) : undefined;
  io.out(command ? commandHelp(prog, command) : overview(prog));
  return 0;
}

function failed(e: unknown, o: { io: CliIo; prog: string; command: Command }): number {
  const { io, prog, command } = o;
  if (e instanceof UsageError) {
    io.err(`${prog} ${command.name}: ${e.message}\nusage: ${prog} ${command.usage}`);
    return 2;
  }
  io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
  return e instanceof CliError ? e.exitCode : 1;
}

export async function main(argv: readonly string[], io: CliIo, prog = 'pgmeta'): Promise<number> {
  const help = helpAsked(argv, io, prog);
  if (help !== undefined) return help;
  const [name, ...rest] = argv;
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
    const run = (load(command.module) as Record<string, Run | undefined>)[command.run];
    if (!run) throw new Error(`command ${command.name} has no ${command.run}`);
    return await run(parsed, io);
  } catch (e) {
    return failed(e, { io, prog, command });
  }
}
