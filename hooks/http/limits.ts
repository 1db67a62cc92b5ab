/**
 * How many hook requests the service holds at once. Each one may hold up to the body limit while its
 * body arrives, so the cap bounds memory: 32 x 4 MiB of chunks, plus the few being joined and parsed,
 * stays below the container's 384 MiB heap. Only callers with the token get this far (the token is
 * checked first). A caller holds one slot per open request, so the benchmark's 32 connections never
 * meet the cap. Probes are never counted, so /healthz answers however full the cap is.
 *
 * Over the cap the answer is 429 with `Retry-After: 1`. Metacontroller v4.17.2 reads that header
 * (whole seconds, or an RFC 1123 date) into a TooManyRequestError (pkg/hooks/webhook.go
 * `webhookExecutor.Call`) and requeues the parent after that many seconds without growing its
 * backoff (pkg/controller/composite/controller.go and pkg/controller/decorator/controller.go
 * `processNextWorkItem`). A missing or 0 value would requeue at once, so we always send 1.
 */
import type { Response } from 'express';

export const RETRY_AFTER_SECONDS = 1;

export interface InFlight {
  /** Takes a slot until the response closes; false when the cap is reached. */
  tryEnter(res: Response): boolean;
  readonly current: number;
}

export function inFlightLimiter(max: number): InFlight {
  let current = 0;
  return {
    tryEnter(res) {
      if (current >= max) return false;
      current++;
      // 'close' fires once per response, whether it finished or the client went away.
      res.once('close', () => {
        current--;
      });
      return true;
    },
    get current() {
      return current;
    },
  };
}
