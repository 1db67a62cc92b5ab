/** Usage texts: the overview (`pgmeta --help`) and each command's (`pgmeta CMD --help`). */
import { COMMANDS, type Command } from './commands.js';

/** Invoked as a kubectl plugin, the program calls itself `kubectl pgmeta` in messages. */
export function programName(argv0: string | undefined): string {
  return argv0 !== undefined && /kubectl-pgmeta(\.js)?$/.test(argv0) ? 'kubectl pgmeta' : 'pgmeta';
}

export function overview(prog: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${prog}: operate pgmeta PostgreSQL clusters`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Flags of the commands that talk to the cluster:',
    '  -n, --namespace NS   namespace (default: the kubeconfig context\'s, else "default")',
    '  --context NAME       kubeconfig context',
    '  --kubeconfig FILE    kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)',
    '  --wait               wait for the outcome and report it (mutating commands)',
    '  --timeout DURATION   how long --wait waits (e.g. 90s, 10m)',
    '',
    `Run "${prog} COMMAND --help" for a command's usage.`,
  ].join('\n');
}

export function commandHelp(prog: string, c: Command): string {
  const flags = [...c.flags.values.map((f) => `${f} VALUE`), ...c.flags.booleans].join(', ');
  return [`usage: ${prog} ${c.usage}`, '', c.summary, ...(flags ? ['', `flags: ${flags}`] : [])].join('\n');
}
