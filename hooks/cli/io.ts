/**
 * What a command may touch of the process: output, files, the environment, the terminal and the
 * clock. The entry (cli.ts) passes the real ones; tests pass their own.
 */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Buffer;
  writeFile?: (path: string, data: Buffer) => void;
  env?: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colour, interactive psql). */
  isTTY?: boolean;
  now?: () => Date;
}

/** Colour only on a terminal and never with NO_COLOR set to anything (https://no-color.org). */
export function useColour(io: CliIo): boolean {
  const noColor = io.env?.['NO_COLOR'];
  return io.isTTY === true && (noColor === undefined || noColor === '');
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof CODES;

export function painter(on: boolean): (c: Colour, text: string) => string {
  return (c, text) => (on ? `\u001b[${CODES[c]}m${text}\u001b[0m` : text);
}
