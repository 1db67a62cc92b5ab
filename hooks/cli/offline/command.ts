/** `render` and `validate`: the offline commands (no cluster, no network). */
import { flagValue, hasFlag, UsageError, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import { readManifests } from './read.js';
import { renderObjects } from './render.js';
import { validateObjects } from './validate.js';

function manifests(p: Parsed, io: CliIo): ReturnType<typeof readManifests> | number {
  const file = flagValue(p, '-f', '--filename');
  if (file === undefined) throw new UsageError('-f FILE is required');
  const read = readManifests(file, io);
  for (const s of read.skipped) io.err(`note: ${s}`);
  if (read.errors.length === 0) return read;
  for (const e of read.errors) io.err(e);
  return 1;
}

export function validate(p: Parsed, io: CliIo): Promise<number> {
  const read = manifests(p, io);
  if (typeof read === 'number') return Promise.resolve(read);
  return Promise.resolve(validateObjects(read.objects, io) === 0 ? 0 : 1);
}

export function render(p: Parsed, io: CliIo): Promise<number> {
  const read = manifests(p, io);
  if (typeof read === 'number') return Promise.resolve(read);
  const keyFile = flagValue(p, '--key-file');
  if (!keyFile)
    io.err(
      'note: Secrets are rendered with a placeholder operator key: their values are placeholders (pass --key-file for real ones)',
    );
  let key: Uint8Array;
  try {
    key = keyFile ? new Uint8Array(io.readFile(keyFile)) : new Uint8Array(32);
  } catch {
    io.err(`${keyFile ?? ''}: cannot read the key file`);
    return Promise.resolve(1);
  }
  const out = renderObjects(read.objects, {
    operatorKey: key,
    realKey: keyFile !== undefined,
    withStatus: hasFlag(p, '--status'),
  });
  if ('invalid' in out) return Promise.resolve(validateObjects([out.invalid], io) === 0 ? 0 : 1);
  io.out(out.yaml);
  return Promise.resolve(0);
}
