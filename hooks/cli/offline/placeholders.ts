/**
 * Without the operator key, rendered credentials would be HMACs of an all-zero key: values that look
 * like real passwords, could be mistaken for them, and (applied) would become them, since an observed
 * Secret's value is kept forever (docs/architecture.md rule 6). So every Secret value that is or embeds a
 * credential becomes a placeholder that is not valid base64: it cannot be read as a password, and
 * `kubectl apply` refuses the Secret instead of storing it. Values that hold no secret (user name,
 * host, port, database) stay, so the output still shows the Secret's shape.
 */
import type { KubeObject } from '../../lib/k8s.js';

const PUBLIC_KEYS = new Set(['username', 'user', 'host', 'port', 'dbname', 'database']);

export const PLACEHOLDER = '<placeholder: render with --key-file to see this value>';

export function hidePasswords(children: readonly KubeObject[]): KubeObject[] {
  return children.map((c) => {
    if (c.kind !== 'Secret') return c;
    const s = c as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
    const hide = (m: Record<string, string> | undefined) =>
      m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, PUBLIC_KEYS.has(k) ? v : PLACEHOLDER]));
    return {
      ...s,
      ...(s.data ? { data: hide(s.data) } : {}),
      ...(s.stringData ? { stringData: hide(s.stringData) } : {}),
    };
  });
}
