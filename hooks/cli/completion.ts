/**
 * `completion bash|zsh`: a script that completes commands, their flags, `rotate --user`'s credentials and cluster names (read with
 * `kubectl get postgresclusters`, so it follows the current context and `-n`). Works for both
 * `pgmeta` and `kubectl pgmeta` (kubectl ≥1.26 asks a plugin for completions through an executable
 * `kubectl_complete-pgmeta` on the PATH: the script says how to add one).
 */
import { UsageError, type Parsed } from './args.js';
import { COMMANDS, CREDENTIALS } from './commands.js';
import type { CliIo } from './io.js';

function flagsOf(): string {
  return COMMANDS.map(
    (c) => `    ${c.name}) flags="${[...c.flags.values, ...c.flags.booleans, '--help'].join(' ')}" ;;`,
  ).join('\n');
}

const CLUSTER_COMMANDS = (): string =>
  COMMANDS.filter((c) => c.cluster)
    .map((c) => c.name)
    .join('|');

function bash(): string {
  return `# pgmeta bash completion: source <(pgmeta completion bash)
_pgmeta_clusters() {
  kubectl get postgresclusters -o name "$@" 2>/dev/null | sed 's|.*/||'
}
_pgmeta() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="\${COMP_WORDS[1]}" flags="" ns=()
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -n|--namespace) ns=(-n "\${COMP_WORDS[i+1]}") ;; esac
  done
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${COMMANDS.map((c) => c.name).join(' ')} --help" -- "$cur"))
    return
  fi
  case "$cmd" in
${flagsOf()}
  esac
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
    -f|--filename|--key-file|--kubeconfig) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o|--output) [[ $cmd == report ]] && COMPREPLY=($(compgen -f -- "$cur")) || COMPREPLY=($(compgen -W "text json yaml" -- "$cur")); return ;;
    --user) COMPREPLY=($(compgen -W "${CREDENTIALS.join(' ')}" -- "$cur")); return ;;
    -n|--namespace) COMPREPLY=($(compgen -W "$(kubectl get namespaces -o name 2>/dev/null | sed 's|.*/||')" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); return; fi
  case "$cmd" in
    ${CLUSTER_COMMANDS()}) COMPREPLY=($(compgen -W "$(_pgmeta_clusters "\${ns[@]}")" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
  esac
}
complete -F _pgmeta pgmeta kubectl-pgmeta
`;
}

function zsh(): string {
  return `#compdef pgmeta kubectl-pgmeta
# pgmeta zsh completion: source <(pgmeta completion zsh)  (after compinit)
autoload -U +X bashcompinit && bashcompinit
${bash()}`;
}

export function completion(p: Parsed, io: CliIo): Promise<number> {
  const shell = p.positionals[0];
  if (shell === 'bash') io.out(bash());
  else if (shell === 'zsh') io.out(zsh());
  else throw new UsageError('give the shell: bash or zsh');
  return Promise.resolve(0);
}
