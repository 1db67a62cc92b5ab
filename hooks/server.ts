/**
 * The HTTP face of the hooks: `createApp(deps)` builds the express app and never listens, so tests
 * drive it with supertest and main.ts owns the socket. Every non-200 answer is `{"error": "..."}` with
 * one line and no stack; request bodies (they carry Secrets) are never logged.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { bearerMatches } from './http/auth.js';
import { sendWithEtag } from './http/etag.js';
import { createMetrics, type HookMetrics } from './http/metrics.js';
import type { ControllerDef } from './metacontroller/controller.js';
import { isHookName, runHook } from './metacontroller/dispatch.js';
import { HookError, oneLine, toHookError } from './metacontroller/errors.js';

export interface AppDeps {
  controllers: readonly ControllerDef[];
  logger: Logger;
  /** The request's time (RFC 3339); the only clock the hooks see. */
  now: () => string;
  operatorKey: Uint8Array;
  /** When set, hook routes require `Authorization: Bearer <token>`. */
  authToken?: string | undefined;
  /** Also accepted while a token rotation is under way. */
  previousAuthToken?: string | undefined;
  /** Default 16 MiB: sync requests carry every child with managedFields and Pod status. */
  bodyLimitBytes?: number;
  metrics?: HookMetrics;
  /** False while shutting down, so /readyz sends traffic elsewhere. */
  isReady?: () => boolean;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

interface RouteLabels {
  controller: string;
  hook: string;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const metrics = deps.metrics ?? createMetrics();
  const byName = new Map(deps.controllers.map((c) => [c.name, c]));
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady?.() ?? true;
    res.status(ready ? 200 : 503).json(ready ? { status: 'ready' } : { error: 'shutting down' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // Route params are gone by the time an app-level error handler runs, so the route stores its labels.
  const labelsOf = (req: Request): RouteLabels =>
    (req.res?.locals['labels'] as RouteLabels | undefined) ?? routeLabels(req, byName);
  const fail = (req: Request, res: Response, err: HookError): void => {
    answerError({ deps, metrics, labels: labelsOf(req) }, res, err);
  };

  app.post(
    '/:controller/:hook',
    (req, res, next) => {
      res.locals['labels'] = routeLabels(req, byName);
      if (authorized(deps, req.get('authorization'))) next();
      else answerUnauthorized({ deps, metrics, labels: labelsOf(req) }, res);
    },
    express.json({ limit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT, strict: true }),
    (req, res) => {
      handleHook(
        { deps, metrics, labels: labelsOf(req) },
        { req, res, def: byName.get(param(req, 'controller')) },
      );
    },
  );

  app.use((req, res) => {
    fail(req, res, new HookError('NotFound', `no route ${req.method} ${req.path}`));
  });
  // express recognises an error handler by its four parameters.
  // eslint-disable-next-line max-params
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    fail(req, res, parserError(err));
  });
  return app;
}

interface Scope {
  deps: AppDeps;
  metrics: HookMetrics;
  labels: RouteLabels;
}

function handleHook(
  scope: Scope,
  call: { req: Request; res: Response; def: ControllerDef | undefined },
): void {
  const { req, res, def } = call;
  const hook = param(req, 'hook');
  if (!def || !isHookName(hook)) {
    answerError(scope, res, new HookError('NotFound', `no hook ${req.path}`));
    return;
  }
  if (req.body === undefined) {
    answerError(
      scope,
      res,
      new HookError('BadRequest', 'body must be JSON with Content-Type: application/json'),
    );
    return;
  }
  const timer = scope.metrics.duration.startTimer(scope.labels);
  try {
    const ctx = { now: scope.deps.now(), operatorKey: scope.deps.operatorKey };
    const payload = JSON.stringify(runHook({ def, hook, body: req.body as unknown, ctx }));
    const code = sendWithEtag(res, { payload, ifNoneMatch: req.get('if-none-match') });
    record(scope, { code, body: req.body as unknown, durationMs: timer() * 1000 });
  } catch (err) {
    timer();
    answerError({ ...scope, body: req.body as unknown }, res, toHookError(err));
  }
}

function answerError(scope: Scope & { body?: unknown }, res: Response, err: HookError): void {
  res.status(err.status).json({ error: oneLine(err.message) });
  scope.metrics.errors.inc({ ...scope.labels, reason: err.reason });
  record(scope, { code: err.status, body: scope.body, reason: err.reason, message: oneLine(err.message) });
}

/** No token configured, or the current or (during a rotation) the previous one. */
function authorized(deps: AppDeps, header: string | undefined): boolean {
  if (deps.authToken === undefined) return true;
  if (bearerMatches(header, deps.authToken)) return true;
  return deps.previousAuthToken !== undefined && bearerMatches(header, deps.previousAuthToken);
}

function answerUnauthorized(scope: Scope, res: Response): void {
  res.status(401).json({ error: 'unauthorized' });
  scope.metrics.errors.inc({ ...scope.labels, reason: 'Unauthorized' });
  record(scope, { code: 401, reason: 'Unauthorized' });
}

interface Outcome {
  code: number;
  body?: unknown;
  durationMs?: number;
  reason?: string;
  message?: string;
}

/** One counter increment and one log line per answered hook request. */
function record(scope: Scope, o: Outcome): void {
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

/** Only identifying fields of the parent: never the body itself (it carries Secret data). */
function describeParent(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const rec = body as Record<string, unknown>;
  const parent = (rec['parent'] ?? rec['object']) as { metadata?: Record<string, unknown> } | undefined;
  const meta = parent?.metadata;
  if (typeof meta !== 'object') return {};
  return { namespace: meta['namespace'], name: meta['name'], generation: meta['generation'] };
}

function routeLabels(req: Request, known: ReadonlyMap<string, ControllerDef>): RouteLabels {
  const controller = param(req, 'controller');
  const hook = param(req, 'hook');
  return {
    controller: known.has(controller) ? controller : 'unknown',
    hook: isHookName(hook) ? hook : 'unknown',
  };
}

function param(req: Request, name: string): string {
  const v: unknown = (req.params as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

/** body-parser errors carry a `type`; anything else is ours. */
function parserError(err: unknown): HookError {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new PayloadTooLarge();
  if (type === 'entity.parse.failed') return new HookError('BadRequest', 'malformed JSON body');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HookError('BadRequest', 'unsupported body encoding');
  }
  return toHookError(err);
}

/** 413 is not a hook outcome but a transport one, so it is not in HOOK_ERROR_STATUS. */
class PayloadTooLarge extends HookError {
  constructor() {
    super('BadRequest', 'request body too large');
  }

  override get status(): number {
    return 413;
  }
}
