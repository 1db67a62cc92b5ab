/**
 * A running two-member cluster in which one of pgmeta's credential Secrets was rewritten by hand:
 * the sync hook's answer for it, to check what status says and what the hook renders.
 */
import type { KubeObject } from '../../hooks/lib/k8s.js';
import { appliedChildren, parentFrom, relatedFor, sync } from './cluster-world.js';

const PARENT = parentFrom({ version: '16', replicas: 2, storage: { size: '10Gi' } });
const MEMBERS = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const },
];

/** The sync answer when the Secret `<cluster>-<suffix>` holds `password`, and the parent it ran for. */
export function syncWithHandSetPassword(suffix: string, password: Buffer) {
  const name = `${PARENT.metadata.name}-${suffix}`;
  const children = appliedChildren(PARENT, { ready: 2 }).map((c) =>
    c.kind === 'Secret' && c.metadata.name === name
      ? { ...c, data: { ...(c['data'] as object), password: password.toString('base64') } }
      : c,
  );
  return { parent: PARENT, ...sync({ parent: PARENT, children, related: relatedFor(PARENT, MEMBERS) }) };
}

/** The condition of `type` in a sync answer's status, if any. */
export const conditionOf = (status: Record<string, unknown>, type: string) =>
  (status['conditions'] as { type: string }[]).find((c) => c.type === type);

/** The answer's children of `kind`. */
export const childrenOf = (children: KubeObject[], kind: string) => children.filter((c) => c.kind === kind);
