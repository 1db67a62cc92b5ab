/**
 * Redaction for support reports: a Secret keeps its keys but every value becomes
 * `REDACTED (N bytes)`, its last-applied annotation (which repeats the data) and managedFields go;
 * and every Secret value but user, host, port and database names (decoded, 6 characters or longer, plus its base64 and percent-encoded
 * forms) is scrubbed from all other text, so a password that reached a log, an event, a ConfigMap or
 * an environment variable is not in the report either.
 */
import type { KubeObject } from '../../lib/k8s.js';

export const REDACTED = '[REDACTED]';
const MIN_SECRET_LENGTH = 6;
/** Keys whose values are names, not secrets ("postgres" would otherwise vanish from every path). */
const NAME_KEYS = new Set(['username', 'user', 'host', 'port', 'dbname', 'database']);

export function redactSecret(s: KubeObject): KubeObject {
  const data = (s['data'] ?? {}) as Record<string, string>;
  const stringData = (s['stringData'] ?? {}) as Record<string, string>;
  const annotations = { ...s.metadata.annotations };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const bytes = (v: string, b64: boolean) =>
    `REDACTED (${b64 ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)} bytes)`;
  const { managedFields: _m, ...metadata } = s.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  return {
    ...s,
    metadata: { ...metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    ...(s['data']
      ? { data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, bytes(v, true)])) }
      : {}),
    ...(s['stringData']
      ? { stringData: Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, bytes(v, false)])) }
      : {}),
  };
}

/** The forms of one value that text could carry: as written, decoded, percent-encoded. */
function forms(value: string, base64: boolean): string[] {
  const decoded = base64 ? Buffer.from(value, 'base64').toString('utf8') : value;
  return [decoded, value, encodeURIComponent(decoded)].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** Every form in which a Secret's values could appear in other text, longest first. */
export function secretValues(secrets: readonly KubeObject[]): string[] {
  const values = new Set<string>();
  for (const s of secrets) {
    for (const [field, base64] of [
      ['data', true],
      ['stringData', false],
    ] as const) {
      for (const [k, v] of Object.entries((s[field] ?? {}) as Record<string, string>))
        if (!NAME_KEYS.has(k)) for (const f of forms(v, base64)) values.add(f);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

export function scrub(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) out = out.split(v).join(REDACTED);
  return out;
}
