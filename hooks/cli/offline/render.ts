/**
 * `pgmeta render -f FILE`: the children each hook would return for the objects in the file, created
 * now, through the same code path as the hook service (runHook), so the output cannot differ. A
 * PostgresDatabase or PostgresBackup is rendered as if the PostgresCluster it names (from the same
 * file) were running, with the Secrets that cluster renders: what it will do once the cluster is up.
 * Without `--key-file`, Secret values are placeholders (placeholders.ts).
 */
import { stringify } from 'yaml';
import { BOTH_READINGS } from '../../lib/kubectl-yaml.js';
import { withPlaceholderIdentity, type KubeObject } from '../../lib/k8s.js';
import type { CompositeControllerDef } from '../../metacontroller/controller.js';
import { runHook } from '../../metacontroller/dispatch.js';
import { postgresBackupController } from '../../postgresbackup/controller.js';
import { postgresClusterController } from '../../postgrescluster/controller.js';
import { postgresDatabaseController } from '../../postgresdatabase/controller.js';
import { hidePasswords } from './placeholders.js';
import { specProblems } from './validate.js';

const CONTROLLERS: Record<string, CompositeControllerDef> = {
  PostgresCluster: postgresClusterController,
  PostgresDatabase: postgresDatabaseController,
  PostgresBackup: postgresBackupController,
};

export interface RenderOptions {
  operatorKey: Uint8Array;
  withStatus: boolean;
  /** Whether the key is the user's (real values) or the all-zero placeholder key. */
  realKey: boolean;
}

type ObjectMap = Record<string, Record<string, KubeObject>>;

function sync(
  parent: KubeObject,
  o: { related: ObjectMap; key: Uint8Array },
): { children: KubeObject[]; status: unknown } {
  const def = CONTROLLERS[parent.kind];
  if (!def) throw new Error(`no controller for ${parent.kind}`);
  const body = {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'CompositeController',
      metadata: { name: def.name },
    },
    parent,
    children: Object.fromEntries(def.childTypes.map((t) => [`${t.kind}.${t.apiVersion}`, {}])),
    related: o.related,
    finalizing: false,
  };
  const res = runHook({ def, hook: 'sync', body, ctx: { now: '1970-01-01T00:00:00Z', operatorKey: o.key } });
  return res as { children: KubeObject[]; status: unknown };
}

/** The file's clusters as running, with the Secrets they render, keyed as Metacontroller keys related objects. */
function runningClusters(objects: readonly KubeObject[], key: Uint8Array): ObjectMap {
  const related: ObjectMap = {};
  const add = (o: KubeObject): void => {
    const k = `${o.kind}.${o.apiVersion}`;
    (related[k] ??= {})[`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`] = o;
  };
  for (const c of objects.filter((x) => x.kind === 'PostgresCluster').map(withPlaceholderIdentity)) {
    if (specProblems(c).length > 0) continue;
    const { children } = sync(c, { related: {}, key });
    const backup = (c['spec'] as { backup?: unknown } | undefined)?.backup !== undefined;
    const conditions = [
      { type: 'Ready', status: 'True' },
      ...(backup ? [{ type: 'BackupConfigured', status: 'True' }] : []),
    ];
    add({ ...c, status: { phase: 'Running', primary: `${c.metadata.name}-0`, conditions } });
    for (const s of children.filter((x) => x.kind === 'Secret')) add(s);
  }
  return related;
}

/** The rendered documents, or the spec errors of the first invalid object. */
export function renderObjects(
  objects: readonly KubeObject[],
  o: RenderOptions,
): { yaml: string } | { invalid: KubeObject } {
  const docs: unknown[] = [];
  const related = runningClusters(objects, o.operatorKey);
  for (const obj of objects) {
    const parent = withPlaceholderIdentity(obj);
    if (specProblems(parent).length > 0) return { invalid: obj };
    const { children, status } = sync(parent, {
      related: parent.kind === 'PostgresCluster' ? {} : related,
      key: o.operatorKey,
    });
    docs.push(...(o.realKey ? children : hidePasswords(children)), ...(o.withStatus ? [{ status }] : []));
  }
  // Written so that `pgmeta render ... | kubectl apply -f -` sends exactly these objects.
  return { yaml: docs.map((d) => stringify(d, { sortMapEntries: false, ...BOTH_READINGS })).join('---\n') };
}
