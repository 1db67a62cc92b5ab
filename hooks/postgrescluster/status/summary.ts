/**
 * Two short status fields for `kubectl get pgc` (the CRD's printer columns read them): the version as it
 * runs, with the requested one beside it while they differ, and one short reason when something is wrong
 * (the spec refused, or the cluster degraded). Both derive from the rest of the status and the spec only,
 * so a healthy cluster's status stays a fixpoint.
 */
import type { Condition } from '../../lib/k8s.js';
import type { FieldError } from '../spec/index.js';

export interface StatusSummary {
  /** `17`, or `16->17` while PostgreSQL 16 runs and 17 is requested, or the requested one before any runs. */
  version?: string;
  /** `SpecInvalid: <first field>`, or the Degraded condition's reason; absent when all is well. */
  reason?: string;
}

export function statusSummary(o: {
  running: string | undefined;
  requested: unknown;
  conditions: readonly Condition[];
  specErrors: readonly FieldError[];
}): StatusSummary {
  const version = versionText(o.running, typeof o.requested === 'string' ? o.requested : undefined);
  const reason = reasonText(o.conditions, o.specErrors);
  return { ...(version === undefined ? {} : { version }), ...(reason === undefined ? {} : { reason }) };
}

function versionText(running: string | undefined, requested: string | undefined): string | undefined {
  if (running === undefined) return requested;
  if (requested === undefined || requested === running) return running;
  return `${running}->${requested}`;
}

function reasonText(conditions: readonly Condition[], specErrors: readonly FieldError[]): string | undefined {
  const [first] = specErrors;
  if (first !== undefined) {
    const more = specErrors.length > 1 ? ` (+${specErrors.length - 1})` : '';
    return `SpecInvalid: ${first.path}${more}`;
  }
  const degraded = conditions.find((c) => c.type === 'Degraded' && c.status === 'True');
  return degraded?.reason;
}
