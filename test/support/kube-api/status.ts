/**
 * Errors as the API server writes them: a `Status` object (kind Status, apiVersion v1, status
 * Failure) with `reason` and `code` (apimachinery pkg/api/errors: NewNotFound, NewAlreadyExists,
 * NewConflict, NewInvalid, NewBadRequest, NewMethodNotSupported). Clients read `reason`.
 */
export type Reason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'Gone';

const CODES: Record<Reason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  BadRequest: 400,
  MethodNotAllowed: 405,
  UnsupportedMediaType: 415,
  Gone: 410,
};

export class StatusError extends Error {
  readonly reason: Reason;
  readonly details: { name?: string; kind?: string; group?: string } | undefined;

  constructor(reason: Reason, message: string, details?: { name?: string; kind?: string; group?: string }) {
    super(message);
    this.reason = reason;
    this.details = details;
  }

  get code(): number {
    return CODES[this.reason];
  }

  toStatus(): Record<string, unknown> {
    return failureStatus(this.reason, this.message, this.details);
  }
}

export function failureStatus(
  reason: Reason,
  message: string,
  details?: { name?: string; kind?: string; group?: string },
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code: CODES[reason],
  };
}

/** What a successful DELETE of an object that is gone at once answers (its last state is also fine). */
export function successStatus(details: {
  name: string;
  kind: string;
  group: string;
  uid?: string;
}): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
