/**
 * Reads a hook request's JSON body within a byte limit, without ever holding more than the limit.
 *
 * Not express.json(): on a body over the limit, body-parser 2 reads (and discards) the whole rest of
 * the request before answering (lib/read.js `dump`), so a client streaming an endless body keeps the
 * socket and the answer forever, and a declared 15 MiB body is received in full before its 413.
 * Here a declared length over the limit is refused before a byte is read, and a streamed body is cut
 * off at the limit; the caller then closes the connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Real requests are under 100 KiB; 4 MiB leaves room for big clusters and bounds memory per request. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export type BodyFailure = 'too-large' | 'bad-encoding' | 'malformed' | 'not-json' | 'aborted';

export class BodyError extends Error {
  readonly failure: BodyFailure;

  constructor(failure: BodyFailure, message: string) {
    super(message);
    this.name = 'BodyError';
    this.failure = failure;
  }
}

/** A declared Content-Length above the limit: answerable before reading anything. */
export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > limit;
}

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!isJson(req.headers['content-type'])) {
    throw new BodyError('not-json', 'body must be JSON with Content-Type: application/json');
  }
  if (declaredTooLarge(req, limit)) throw new BodyError('too-large', 'request body too large');
  const text = (await collect(req, decoded(req), limit)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError('malformed', 'malformed JSON body');
  }
}

/** application/json (or +json) with no charset or UTF-8, the only one JSON allows (RFC 8259 §8.1). */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = '', ...params] = contentType.toLowerCase().split(';');
  const mediaType = type.trim();
  if (mediaType !== 'application/json' && !/^application\/[\w.-]+\+json$/.test(mediaType)) return false;
  const charset = params.map((p) => p.trim()).find((p) => p.startsWith('charset='));
  return charset === undefined || /^charset="?utf-8"?$/.test(charset);
}

/** The body as sent, or through the decompressor its Content-Encoding names. */
function decoded(req: IncomingMessage): Readable | Transform {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  const make = DECOMPRESSORS[encoding];
  if (make === undefined) throw new BodyError('bad-encoding', `unsupported content encoding "${encoding}"`);
  if (make === null) return req;
  const stream = make();
  req.pipe(stream);
  return stream;
}

const DECOMPRESSORS: Record<string, (() => Transform) | null> = {
  identity: null,
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** Chunks until the end, the limit (of decoded bytes, so a compression bomb stops too) or a failure. */
function collect(req: IncomingMessage, source: Readable | Transform, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: BodyError): void => {
      source.removeAllListeners('data');
      if (source !== req) {
        req.unpipe(source as Transform);
        source.destroy();
      }
      req.pause();
      reject(err);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stop(new BodyError('too-large', 'request body too large'));
      else chunks.push(chunk);
    });
    source.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    const aborted = (): void => {
      stop(new BodyError('aborted', 'client closed the connection before the body ended'));
    };
    if (source !== req) {
      source.once('error', () => {
        stop(new BodyError('bad-encoding', 'body does not match its Content-Encoding'));
      });
    }
    req.once('error', aborted);
    req.once('close', () => {
      if (!req.complete) aborted();
    });
  });
}
