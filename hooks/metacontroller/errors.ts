/**
 * The closed set of ways a hook call can fail. Only the HTTP layer maps them to status codes and
 * metric labels; the reason is a bounded label, the message names the object or field involved.
 */
export const HOOK_ERROR_STATUS = {
  /** The body is not a request of this hook's shape: Metacontroller should never send it. */
  BadRequest: 400,
  /** No such controller or hook. */
  NotFound: 404,
  /** The handler produced something the contract forbids; answering it could corrupt children. */
  InvalidResponse: 500,
  /** The response would delete a data-bearing child (docs/architecture.md rule 3). */
  ProtectedChildOmitted: 500,
  /** Anything unexpected inside a handler. */
  Internal: 500,
} as const;

export type HookErrorReason = keyof typeof HOOK_ERROR_STATUS;

export class HookError extends Error {
  readonly reason: HookErrorReason;

  constructor(reason: HookErrorReason, message: string) {
    super(message);
    this.name = 'HookError';
    this.reason = reason;
  }

  get status(): number {
    return HOOK_ERROR_STATUS[this.reason];
  }
}

/** Any thrown value as a HookError, keeping only a one-line message (never a stack trace). */
export function toHookError(err: unknown): HookError {
  if (err instanceof HookError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HookError('Internal', oneLine(message));
}

/** First line of a message, bounded, so logs and HTTP bodies never carry multi-line dumps. */
export function oneLine(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  return first.length > 500 ? `${first.slice(0, 497)}...` : first;
}
