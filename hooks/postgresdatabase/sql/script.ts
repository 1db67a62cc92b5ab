/**
 * A generated script is a list of steps, not text. The Job runs its psql rendering
 * ({@link renderPsql}); tests run the very same steps through a client that executes each step the
 * way psql does (test/support/realpg.ts). Both read one list, so what is tested and what runs in the
 * cluster cannot drift apart; a further test runs the rendering through a real psql.
 *
 * Why psql at all: `CREATE DATABASE` and `DROP DATABASE` cannot run in a transaction block or a DO
 * block, so conditional creation needs psql's `\gexec` (run each cell of a query's result as a
 * statement), and the script must switch databases (`\connect`).
 * @see https://www.postgresql.org/docs/current/app-psql.html
 */
import { psqlConnectArg } from './quote.js';

/** Literal SQL, or a psql variable that psql substitutes as a quoted literal (`:'name'`). */
export type SqlPart = string | { psqlVariable: string };

export type Step =
  /** One statement (no trailing semicolon). */
  | { kind: 'sql'; parts: readonly SqlPart[] }
  /** A query whose result cells are statements, run in row then column order; NULL cells are skipped. */
  | { kind: 'gexec'; query: string }
  /** Sets a psql variable from the Job's environment (psql 15+), so secrets never enter the text. */
  | { kind: 'getenv'; variable: string; env: string }
  /** A new session on another database of the same server. */
  | { kind: 'connect'; database: string }
  /** Runs `steps` only when the boolean SQL expression `condition` is true. */
  | { kind: 'if'; variable: string; condition: string; steps: readonly Step[] };

/** A plain statement. */
export function sql(text: string): Step {
  return { kind: 'sql', parts: [text] };
}

/** A statement with psql variables in it. */
export function sqlWith(...parts: SqlPart[]): Step {
  return { kind: 'sql', parts };
}

export function gexec(query: string): Step {
  return { kind: 'gexec', query };
}

const PSQL_NAME = /^[a-z_][a-z0-9_]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The psql script for the Job. psql never interpolates variables inside quoted literals or
 * identifiers, and every user string is inside quotes, so no name can reach psql as a command.
 */
export function renderPsql(steps: readonly Step[], header: readonly string[]): string {
  const lines = [...header.map((h) => `-- ${h.replaceAll('\n', ' ')}`), '\\set ON_ERROR_STOP on'];
  for (const step of steps) lines.push(renderStep(step));
  return `${lines.join('\n')}\n`;
}

function renderStep(step: Step): string {
  switch (step.kind) {
    case 'sql':
      return `${step.parts.map(renderPart).join('')};`;
    case 'gexec':
      return `${step.query} \\gexec`;
    case 'getenv':
      return `\\getenv ${psqlName(step.variable)} ${envName(step.env)}`;
    case 'connect':
      return `\\connect ${psqlConnectArg(step.database)}`;
    case 'if': {
      const v = psqlName(step.variable);
      const body = step.steps.map(renderStep);
      return [`SELECT (${step.condition}) AS ${v} \\gset`, `\\if :${v}`, ...body, '\\endif'].join('\n');
    }
  }
}

function renderPart(part: SqlPart): string {
  return typeof part === 'string' ? part : `:'${psqlName(part.psqlVariable)}'`;
}

function psqlName(name: string): string {
  if (!PSQL_NAME.test(name)) throw new Error(`invalid psql variable name ${JSON.stringify(name)}`);
  return name;
}

function envName(name: string): string {
  if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}`);
  return name;
}
