/**
 * API errors in kubectl's words: `Error from server (NotFound): postgresclusters.pgmeta.io "x" not
 * found`, read from the `Status` object the API server answers with; and a plain sentence when the
 * server cannot be reached at all.
 */
import { CliError } from '../main.js';

interface ApiExceptionLike {
  code?: number | string;
  body?: unknown;
  message?: string;
  cause?: { code?: string };
}

function statusOf(body: unknown): { reason?: string; message?: string } | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof b === 'object' && b !== null ? b : undefined;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);

export function apiError(e: unknown, server: string): CliError {
  const x = e as ApiExceptionLike;
  const network = typeof x.code === 'string' ? x.code : (x.cause?.code ?? '');
  if (NETWORK.has(network))
    return new CliError(
      `cannot reach the API server at ${server} (${network}): is the kubeconfig context right?`,
    );
  if (typeof x.code !== 'number') return new CliError(x.message ?? String(e));
  return fromServer(x.code, statusOf(x.body));
}

function fromServer(code: number, s: { reason?: string; message?: string } | undefined): CliError {
  return new CliError(`Error from server (${s?.reason ?? String(code)}): ${s?.message ?? 'no message'}`);
}

/** The HTTP status of an API error, if it is one. */
export function httpCode(e: unknown): number | undefined {
  const c = (e as ApiExceptionLike).code;
  return typeof c === 'number' ? c : undefined;
}
