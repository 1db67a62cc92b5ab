/**
 * Where `npm run bench` works (a build of hooks/ and the servers' response files under .tmp/bench, so
 * dist/ and others' builds are untouched) and how it reports progress; shared by run.ts and
 * http-phase.ts.
 */
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const TMP = join(ROOT, '.tmp', 'bench');
export const DIST = join(TMP, 'dist');

/** Progress on stderr, so stdout carries only the report. */
export const say = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};
