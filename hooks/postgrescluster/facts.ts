/**
 * The facts a PostgresCluster sync reads from its request, for the service's answer memo
 * (hooks/http/answer-memo.ts): two requests with the same facts get the same answer, byte for byte,
 * so the service answers the second from the first's bytes. What is left out moves on every Patroni
 * loop and the hook never reads it, or reads it only through a coarser value kept here instead:
 *
 * - `metadata.resourceVersion` and `metadata.managedFields` of every object (nothing in the
 *   hooks reads them, and no answer copies them: the response builder writes fresh objects);
 * - the `renewTime` and `optime` annotations of Patroni's Endpoints, which the leader rewrites every
 *   `loop_wait` (Patroni 4.0.4 kubernetes.py `Kubernetes._update_leader`); only `leader` and the
 *   config keys are read (observe.ts `followLock`, patroni/bootstrap.ts);
 * - each member's WAL position (`xlog_location` in its `status` annotation, kubernetes.py
 *   `Kubernetes.touch_member`), read only as the lag status/lag.ts reports (`reportedLag` of a
 *   difference) and, during a scale-down, as an order (day2/scale.ts `planScale` →
 *   `scaleDownCandidate`): kept as the reported lag between every pair of members and, whenever a
 *   StatefulSet has more replicas than the spec or the last valid spec asks for, which is ahead.
 *
 * The test that the memo changes no answer: test/unit/http/answer-memo.test.ts.
 */
import { ANNOTATIONS } from './names.js';
import { reportedLag } from './status/lag.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const VOLATILE_METADATA = new Set(['resourceVersion', 'managedFields']);
const VOLATILE_ENDPOINTS_ANNOTATIONS = new Set(['renewTime', 'optime']);

function without(o: Json, keys: ReadonlySet<string>): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) if (!keys.has(k)) out[k] = v;
  return out;
}

/** The WAL position as observe.ts reads it (a number, or a string of digits). */
function walOf(status: unknown): number | undefined {
  if (!isObject(status)) return undefined;
  const v = status['xlog_location'];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function parsed(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One object without what moves unread; a Pod's WAL position goes to `wal` instead. */
function objectFacts(obj: unknown, wal: Map<string, number | undefined>): unknown {
  if (!isObject(obj) || !isObject(obj['metadata'])) return obj;
  const meta = without(obj['metadata'], VOLATILE_METADATA);
  const annotations = meta['annotations'];
  if (isObject(annotations) && obj['kind'] === 'Endpoints') {
    meta['annotations'] = without(annotations, VOLATILE_ENDPOINTS_ANNOTATIONS);
  } else if (isObject(annotations) && obj['kind'] === 'Pod') {
    const status = parsed(annotations[ANNOTATIONS.patroniStatus]);
    if (isObject(status)) {
      wal.set(String(meta['name']), walOf(status));
      const rest = JSON.stringify(without(status, new Set(['xlog_location'])));
      meta['annotations'] = { ...annotations, [ANNOTATIONS.patroniStatus]: rest };
    }
  }
  return { ...obj, metadata: meta };
}

function mapFacts(map: unknown, wal: Map<string, number | undefined>): unknown {
  if (!isObject(map)) return map;
  const out: Json = {};
  for (const [type, inner] of Object.entries(map)) {
    if (!isObject(inner)) {
      out[type] = inner;
      continue;
    }
    const objs: Json = {};
    for (const [key, obj] of Object.entries(inner)) objs[key] = objectFacts(obj, wal);
    out[type] = objs;
  }
  return out;
}

/** For every pair of members: the reported lag between them and, when `order`, which is ahead. */
function walPairs(wal: Map<string, number | undefined>, order: boolean): unknown[] {
  const names = [...wal.keys()].sort();
  const pairs: unknown[] = [];
  for (const a of names) {
    for (const b of names) {
      if (a >= b) continue;
      const [x, y] = [wal.get(a), wal.get(b)];
      // scaleDownCandidate compares `walPosition ?? -1`
      const ahead = order ? Math.sign((x ?? -1) - (y ?? -1)) : null;
      const lag = x === undefined || y === undefined ? null : reportedLag(Math.abs(x - y));
      pairs.push([a, b, x !== undefined, y !== undefined, ahead, lag]);
    }
  }
  return pairs;
}

/** `replicas` as the spec resolves it (spec/defaults.ts: 1 when unset); NaN when it is no number. */
function wanted(spec: unknown): number {
  if (!isObject(spec)) return Number.NaN;
  const r = spec['replicas'];
  return r === undefined ? 1 : typeof r === 'number' ? r : Number.NaN;
}

/**
 * Whether the sync may plan a scale-down (day2/scale.ts `planScale`: the resolved replicas below an
 * observed StatefulSet's), with the spec or, when that is invalid, the last valid one on the
 * StatefulSet. Anything unreadable counts as possible.
 */
function scaleDownPossible(body: Json): boolean {
  const desired = [wanted((body['parent'] as Json)['spec'])];
  const sets: Json[] = [];
  for (const map of [body['children'], body['related']]) {
    if (!isObject(map)) continue;
    for (const [type, inner] of Object.entries(map))
      if (type.startsWith('StatefulSet.') && isObject(inner))
        sets.push(...Object.values(inner).filter(isObject));
  }
  for (const sts of sets) {
    const meta = isObject(sts['metadata']) ? sts['metadata'] : {};
    const raw = isObject(meta['annotations']) ? meta['annotations'][ANNOTATIONS.lastValidSpec] : undefined;
    if (raw !== undefined) desired.push(wanted(parsed(raw)));
  }
  const least = Math.min(...desired);
  return sets.some((sts) => {
    const r = isObject(sts['spec']) ? (sts['spec']['replicas'] ?? 1) : 1;
    return !(typeof r === 'number' && least >= r);
  });
}

/** Whether a related Node is cordoned: a drain may pick a switchover target by WAL position. */
function nodeCordoned(body: Json): boolean {
  const related = body['related'];
  if (!isObject(related)) return false;
  return Object.entries(related).some(
    ([type, inner]) =>
      type.startsWith('Node.') &&
      isObject(inner) &&
      Object.values(inner).some(
        (n) => isObject(n) && isObject(n['spec']) && n['spec']['unschedulable'] === true,
      ),
  );
}

/** The facts of a sync request's body (parsed JSON, not yet checked), or undefined: not memoized. */
export function clusterSyncFacts(body: unknown): unknown {
  if (!isObject(body) || !isObject(body['parent'])) return undefined;
  // A standby's status reports its leader's raw WAL position (standby/status.ts): never from memory.
  const spec = body['parent']['spec'];
  if (isObject(spec) && spec['standby'] !== undefined) return undefined;
  const wal = new Map<string, number | undefined>();
  return {
    controller: objectFacts(body['controller'], wal),
    parent: objectFacts(body['parent'], wal),
    children: mapFacts(body['children'], wal),
    related: mapFacts(body['related'], wal),
    finalizing: body['finalizing'],
    // Which member is ahead matters to a scale-down and to a drain's switchover target (day2/drain.ts).
    wal: walPairs(wal, scaleDownPossible(body) || nodeCordoned(body)),
  };
}
