/**
 * How the service answers and records a hook request: one counter increment and one log line per
 * answer. Log lines carry only identifying fields of the parent, never the body (it carries Secret
 * data), and every logged string is capped: a request can put a megabyte into a name.
 */
import type { Response } from 'express';
import type { Logger } from 'pino';
import { oneLine } from '../metacontroller/errors.js';
import type { HookMetrics } from './metrics.js';

export interface RouteLabels {
  controller: string;
  hook: string;
}

export interface Scope {
  deps: { logger: Logger };
  metrics: HookMetrics;
  labels: RouteLabels;
  /** The parsed request, once there is one (for the parent's name in the log line). */
  body?: unknown;
}

export interface Answer {
  status: number;
  /** Bounded metric label: BadRequest, NotFound, Unauthorized, TooManyRequests, PayloadTooLarge, ... */
  reason: string;
  message: string;
  /** Close the connection after answering: the request's body was not (fully) read. */
  close?: boolean;
}

/** Longest object name Kubernetes accepts (a DNS subdomain); anything longer is cut in logs. */
export const MAX_LOGGED_CHARS = 253;

export function answer(scope: Scope, res: Response, a: Answer): void {
  const message = oneLine(a.message);
  if (a.close) res.set('Connection', 'close');
  res.status(a.status).json({ error: message });
  scope.metrics.errors.inc({ ...scope.labels, reason: a.reason });
  record(scope, { code: a.status, body: scope.body, reason: a.reason, message });
}

interface Outcome {
  code: number;
  body?: unknown;
  durationMs?: number;
  reason?: string;
  message?: string;
}

export function record(scope: Scope, o: Outcome): void {
  scope.metrics.requests.inc({ ...scope.labels, code: String(o.code) });
  const line = { ...scope.labels, ...describeParent(o.body), code: o.code, ...pick(o) };
  if (o.code >= 500) scope.deps.logger.error(line, 'hook failed');
  else if (o.code >= 400) scope.deps.logger.warn(line, 'hook rejected');
  else scope.deps.logger.info(line, 'hook answered');
}

function pick(o: Outcome): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ durationMs: o.durationMs, reason: o.reason, error: o.message }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/** Namespace, name and generation of the parent (or decorated object), each bounded. */
function describeParent(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const rec = body as Record<string, unknown>;
  const parent = (rec['parent'] ?? rec['object']) as { metadata?: unknown } | undefined;
  const meta = parent?.metadata;
  if (typeof meta !== 'object' || meta === null) return {};
  const m = meta as Record<string, unknown>;
  const fields = { namespace: capped(m['namespace']), name: capped(m['name']), generation: m['generation'] };
  return Object.fromEntries(
    Object.entries(fields).filter(([k, v]) => (k === 'generation' ? typeof v === 'number' : v !== undefined)),
  );
}

function capped(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return v.length > MAX_LOGGED_CHARS ? `${v.slice(0, MAX_LOGGED_CHARS)}...(${v.length} chars)` : v;
}
