/**
 * Whether the Debian binaries a real-software test runs are installed (each suite's install.sh
 * installs them; the tests print a `skipped:` line when one is missing).
 */
import { accessSync, constants } from 'node:fs';

/** Whether this process may execute `path`. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `binaries` that is missing, or undefined when all are there. */
export function missingBinary(...binaries: string[]): string | undefined {
  return binaries.find((b) => !isExecutable(b));
}
