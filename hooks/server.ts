/**
 * The HTTP face of the hooks: `createApp(deps)` builds the express app and never listens, so tests
 * drive it with supertest and main.ts owns the sockets. Every non-200 answer is `{"error": "..."}`
 * with one line and no stack; request bodies (they carry Secrets) are never logged.
 *
 * A hook request passes, in order: the bearer token, the route (controller and hook known), the
 * in-flight cap, and only then is its body read, within the body limit. Anything refused before the
 * body is read is answered with `Connection: close`, so an unread body is never received at all.
 * /metrics is not here but on its own port (createMetricsApp).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_MAX_IN_FLIGHT } from './config.js';
import { answer, record, type Scope } from './http/answer.js';
import { AnswerMemo, memoKey } from './http/answer-memo.js';
import { bearerMatches } from './http/auth.js';
import { BodyError, DEFAULT_BODY_LIMIT, readJsonBody } from './http/body.js';
import { sendWithEtag } from './http/etag.js';
import { inFlightLimiter, RETRY_AFTER_SECONDS, type InFlight } from './http/limits.js';
import { createMetrics, type HookMetrics } from './http/metrics.js';
import type { HookContext, ImageSettings } from './lib/context.js';
import type { ControllerDef } from './metacontroller/controller.js';
import { isHookName, runHook, type HookName } from './metacontroller/dispatch.js';
import type { HookError } from './metacontroller/errors.js';
import { toHookError } from './metacontroller/errors.js';

export { DEFAULT_BODY_LIMIT } from './http/body.js';

export interface AppDeps {
  controllers: readonly ControllerDef[];
  logger: Logger;
  /** The request's time (RFC 3339); the only clock the hooks see. */
  now: () => string;
  operatorKey: Uint8Array;
  /** The install's images (the images file); read per request, so a test can change them. */
  images?: () => ImageSettings | undefined;
  /** When set, hook routes require `Authorization: Bearer <token>`. */
  authToken?: string | undefined;
  /** Also accepted while a token rotation is under way. */
  previousAuthToken?: string | undefined;
  /** Default 4 MiB (DEFAULT_BODY_LIMIT). */
  bodyLimitBytes?: number;
  /** Hook requests held at once (default 16); more are answered 429. */
  maxInFlight?: number;
  metrics?: HookMetrics;
  /** False while shutting down, so /readyz sends traffic elsewhere. */
  isReady?: () => boolean;
  /** Bytes of remembered answers (http/answer-memo.ts; default 64 MiB, 0: none). */
  answerMemoBytes?: number;
}

interface AppState {
  deps: AppDeps;
  metrics: HookMetrics;
  byName: ReadonlyMap<string, ControllerDef>;
  inFlight: InFlight;
  memo: AnswerMemo;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const state: AppState = {
    deps,
    metrics: deps.metrics ?? createMetrics(),
    byName: new Map(deps.controllers.map((c) => [c.name, c])),
    inFlight: inFlightLimiter(deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
    memo: new AnswerMemo(deps.answerMemoBytes),
  };
  app.disable('x-powered-by');
  app.set('etag', false);

  // Probes first and never counted against the in-flight cap: the kubelet must get an answer however
  // busy the hooks are.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady?.() ?? true;
    res.status(ready ? 200 : 503).json(ready ? { status: 'ready' } : { error: 'shutting down' });
  });
  app.post('/:controller/:hook', (req, res) => {
    void handleHookRoute(state, req, res);
  });
  app.use((req, res) => {
    const scope = scopeOf(state, req);
    answer(scope, res, {
      status: 404,
      reason: 'NotFound',
      message: `no route ${req.method} ${req.path}`,
      close: true,
    });
  });
  // express recognises an error handler by its four parameters. What reaches it is the router's
  // failure to percent-decode a path parameter (status 400); anything else is ours.
  // eslint-disable-next-line max-params
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown } | null)?.status;
    const scope = scopeOf(state, req);
    if (status === 400)
      answer(scope, res, {
        status: 400,
        reason: 'BadRequest',
        message: 'malformed request path',
        close: true,
      });
    else answer(scope, res, errorAnswer(toHookError(err)));
  });
  return app;
}

/** The metrics listener's app: GET /metrics and nothing else. */
export function createMetricsApp(metrics: HookMetrics): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}

async function handleHookRoute(state: AppState, req: Request, res: Response): Promise<void> {
  const def = state.byName.get(param(req, 'controller'));
  const hook = param(req, 'hook');
  const scope = scopeOf(state, req);
  if (!authorized(state.deps, req.get('authorization'))) {
    answer(scope, res, { status: 401, reason: 'Unauthorized', message: 'unauthorized', close: true });
    return;
  }
  if (!def || !isHookName(hook)) {
    answer(scope, res, { status: 404, reason: 'NotFound', message: `no hook ${req.path}`, close: true });
    return;
  }
  if (!state.inFlight.tryEnter(res)) {
    res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    answer(scope, res, {
      status: 429,
      reason: 'TooManyRequests',
      message: 'too many requests in flight',
      close: true,
    });
    return;
  }
  let body: unknown;
  try {
    body = await readJsonBody(req, state.deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT);
  } catch (err) {
    bodyFailed(scope, res, err);
    return;
  }
  runAndAnswer({ ...scope, deps: state.deps, memo: state.memo }, { req, res, def, hook, body });
}

function bodyFailed(scope: Scope, res: Response, err: unknown): void {
  if (!(err instanceof BodyError)) {
    answer(scope, res, errorAnswer(toHookError(err)));
    return;
  }
  if (err.failure === 'aborted') {
    // The client went away (Metacontroller's 10 s timeout, a restart): nobody to answer, nothing wrong here.
    scope.deps.logger.info({ ...scope.labels }, 'client closed the connection before its body ended');
    return;
  }
  const tooLarge = err.failure === 'too-large';
  answer(scope, res, {
    status: tooLarge ? 413 : 400,
    reason: tooLarge ? 'PayloadTooLarge' : 'BadRequest',
    message: err.message,
    close: tooLarge || err.failure === 'bad-encoding',
  });
}

interface HookRequest {
  req: Request;
  res: Response;
  def: ControllerDef;
  hook: HookName;
  body: unknown;
}

/** The answer's bytes: remembered for the same facts (http/answer-memo.ts), else computed. */
function payloadOf(memo: AnswerMemo, call: HookRequest, ctx: HookContext): string {
  const { def, hook, body } = call;
  const facts = hook === 'sync' && def.kind === 'composite' ? def.syncFacts?.(body) : undefined;
  // The install's images are an input too: a new images file must never be answered from memory.
  const route = `${def.name}/${hook}${ctx.images ? `#${JSON.stringify(ctx.images)}` : ''}`;
  const key = memoKey(route, facts, body);
  const hit = key && memo.get(key.parent, key.digest);
  if (hit !== undefined) return hit;
  const payload = JSON.stringify(runHook({ def, hook, body, ctx }));
  // An image update waiting for its maintenance window turns on the clock alone (images/policy.ts):
  // such an answer is computed afresh until the window opens.
  if (key && !payload.includes(WINDOW_WAIT)) memo.set(key.parent, key.digest, { payload, now: ctx.now });
  return payload;
}

const WINDOW_WAIT = '"waitingFor":"window"';

function runAndAnswer(scope: Scope & { deps: AppDeps; memo: AnswerMemo }, call: HookRequest): void {
  const { req, res, body } = call;
  const timer = scope.metrics.duration.startTimer(scope.labels);
  try {
    const images = scope.deps.images?.();
    const ctx = { now: scope.deps.now(), operatorKey: scope.deps.operatorKey, ...(images ? { images } : {}) };
    const payload = payloadOf(scope.memo, call, ctx);
    const code = sendWithEtag(res, { payload, ifNoneMatch: req.get('if-none-match') });
    record(scope, { code, body, durationMs: timer() * 1000 });
  } catch (err) {
    timer();
    answer({ ...scope, body }, res, errorAnswer(toHookError(err)));
  }
}

function errorAnswer(err: HookError): { status: number; reason: string; message: string } {
  return { status: err.status, reason: err.reason, message: err.message };
}

/** No token configured, or the current or (during a rotation) the previous one. */
function authorized(deps: AppDeps, header: string | undefined): boolean {
  if (deps.authToken === undefined) return true;
  if (bearerMatches(header, deps.authToken)) return true;
  return deps.previousAuthToken !== undefined && bearerMatches(header, deps.previousAuthToken);
}

/** Metric labels are bounded: only registered controller and hook names, else `unknown`. */
function scopeOf(state: AppState, req: Request): Scope {
  const controller = param(req, 'controller');
  const hook = param(req, 'hook');
  const labels = {
    controller: state.byName.has(controller) ? controller : 'unknown',
    hook: isHookName(hook) ? hook : 'unknown',
  };
  return { deps: state.deps, metrics: state.metrics, labels };
}

function param(req: Request, name: string): string {
  const v: unknown = (req.params as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}
