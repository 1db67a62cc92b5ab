/**
 * A gzip-compressed tar archive of in-memory files: POSIX ustar headers (512-byte blocks: name,
 * mode, uid/gid, size and mtime in octal, checksum, type '0', magic "ustar\0" "00", a prefix for
 * names over 100 bytes), each file padded to a block, two zero blocks at the end (POSIX.1-2001
 * pax "ustar Interchange Format"). Small enough to keep instead of a dependency; node:zlib gzips.
 */
import { gzipSync } from 'node:zlib';

export interface TarFile {
  path: string;
  data: Buffer;
}

const BLOCK = 512;

function field(buf: Buffer, o: { at: number; len: number; value: string }): void {
  buf.write(o.value, o.at, Math.min(o.len, Buffer.byteLength(o.value)), 'utf8');
}

const octal = (n: number, len: number): string => `${n.toString(8).padStart(len - 1, '0')}\0`;

/** Splits a long path into ustar's prefix (≤155 bytes) and name (≤100 bytes) at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  const cut = path.lastIndexOf('/', 155);
  const name = path.slice(cut + 1);
  if (cut <= 0 || Buffer.byteLength(name) > 100) throw new Error(`path too long for a tar archive: ${path}`);
  return { prefix: path.slice(0, cut), name };
}

function header(f: TarFile, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, name } = splitPath(f.path);
  field(h, { at: 0, len: 100, value: name });
  field(h, { at: 100, len: 8, value: octal(0o644, 8) });
  field(h, { at: 108, len: 8, value: octal(0, 8) });
  field(h, { at: 116, len: 8, value: octal(0, 8) });
  field(h, { at: 124, len: 12, value: octal(f.data.length, 12) });
  field(h, { at: 136, len: 12, value: octal(mtime, 12) });
  field(h, { at: 148, len: 8, value: '        ' });
  field(h, { at: 156, len: 1, value: '0' });
  field(h, { at: 257, len: 6, value: 'ustar\0' });
  field(h, { at: 263, len: 2, value: '00' });
  field(h, { at: 345, len: 155, value: prefix });
  let sum = 0;
  for (const b of h) sum += b;
  field(h, { at: 148, len: 8, value: `${sum.toString(8).padStart(6, '0')}\0 ` });
  return h;
}

export function tarGz(files: readonly TarFile[], mtime: Date): Buffer {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(header(f, seconds), f.data);
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts));
}
