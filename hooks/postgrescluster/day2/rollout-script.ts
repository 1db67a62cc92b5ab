/**
 * The rollout Job's program. The StatefulSet uses `updateStrategy: OnDelete`, so a template change
 * (image, resources, local parameters) reaches a member only when its pod is deleted; this program
 * deletes them in the safe order, one at a time:
 *
 * 1. every replica on an older revision, lowest ordinal first, each only while every other member is
 *    ready, waiting until the new pod runs `TARGET_REVISION` and is ready again;
 * 2. with `PRIMARY_UPDATE_METHOD=switchover` (and another member), a Patroni switchover to one of the
 *    updated replicas, done once another member is labelled primary (the old leader loses its label
 *    before the new one takes the lock); the former primary is then an ordinary replica and goes as in 1;
 * 3. otherwise the primary's pod itself (Patroni hands the leader lock over on shutdown).
 *
 * Never more than one member is down: a member that is already down and still on an older revision
 * is replaced first (replacing it costs nothing), and any other unready member makes it wait.
 * Each round reads the StatefulSet and the pods again, so a retry resumes where the last attempt
 * stopped, and a newer template (another update revision) ends this Job: the hook makes a new one.
 */
import { PY_COMMON, PY_KUBERNETES, PY_PATRONI } from './python.js';

const ROLLOUT_MAIN = String.raw`
STATEFULSET = os.environ['STATEFULSET']
TARGET = os.environ['TARGET_REVISION']
METHOD = os.environ.get('PRIMARY_UPDATE_METHOD', 'switchover')
TIMEOUT = float(os.environ.get('MEMBER_TIMEOUT', '1800'))
ROLLOUT_TIMEOUT = float(os.environ.get('ROLLOUT_TIMEOUT', '21600'))


def labels(obj):
    return ((obj or {}).get('metadata') or {}).get('labels') or {}


def ready(p):
    if not p or (p.get('metadata') or {}).get('deletionTimestamp'):
        return False
    conditions = (p.get('status') or {}).get('conditions') or []
    return any(c.get('type') == 'Ready' and c.get('status') == 'True' for c in conditions)


def updated(p):
    return labels(p).get('controller-revision-hash') == TARGET


def is_primary(p):
    return labels(p).get('spilo-role') == 'master'


def snapshot():
    """(update revision, {pod name: pod or None}) in ordinal order, once the controller caught up."""
    sts = get_object('/apis/apps/v1/namespaces/%s/statefulsets/%s' % (NAMESPACE, STATEFULSET))
    if not sts:
        return None
    status = sts.get('status') or {}
    if status.get('observedGeneration', -1) < (sts.get('metadata') or {}).get('generation', 0):
        return None
    names = ['%s-%d' % (STATEFULSET, i) for i in range((sts.get('spec') or {}).get('replicas', 0))]
    pods = {name: get_object(core('pods', name)) for name in names}
    if any(p is False for p in pods.values()):
        return None
    return status.get('updateRevision'), pods


def replace(name, pod):
    uid = pod['metadata']['uid']
    log('deleting %s (revision %s)' % (name, labels(pod).get('controller-revision-hash')))
    status, body = kube('DELETE', core('pods', name), {'preconditions': {'uid': uid}})
    if status not in (200, 202, 404, 409):
        fail('DELETE pod %s: %s %s' % (name, status, body))

    def back():
        p = get_object(core('pods', name))
        if not p or p['metadata'].get('uid') == uid or not ready(p):
            return None
        # A newer template while we waited: the pod came back on that revision, and the next
        # snapshot ends this Job (superseded) instead of waiting out the timeout.
        return p if updated(p) or update_revision() not in (None, TARGET) else None

    p = wait_for('%s to run %s and be ready' % (name, TARGET), back, TIMEOUT)
    log('%s runs %s' % (name, labels(p).get('controller-revision-hash')))


def update_revision():
    sts = get_object('/apis/apps/v1/namespaces/%s/statefulsets/%s' % (NAMESPACE, STATEFULSET))
    return (sts.get('status') or {}).get('updateRevision') if sts else None


def switch_away(name):
    for attempt in range(5):
        status, answer = patroni('POST', '/switchover', {'leader': name}, 300)
        log('POST /switchover from %s: %s %s' % (name, status, answer))
        if status == 200:
            break
        time.sleep(10 * POLL)
    wait_for(name + ' to hand the leader over', lambda: handed_over(name), TIMEOUT)


def handed_over(name):
    # Not just "no longer labelled primary": Patroni removes the old leader's label when it releases
    # the lock, a loop before the candidate takes it (patroni/ha.py Ha.demote).
    snap = snapshot()
    if not snap:
        return None
    pods = snap[1]
    elsewhere = any(is_primary(p) for n, p in pods.items() if n != name)
    return pods if elsewhere and not is_primary(pods.get(name)) else None


def step(pods):
    """One replacement (or switchover); False when every member runs TARGET."""
    stale = [n for n, p in pods.items() if p is not None and not updated(p)]
    if not stale:
        return False
    down = [n for n, p in pods.items() if not ready(p)]
    if len(down) == 1 and down[0] in stale and not is_primary(pods[down[0]]):
        replace(down[0], pods[down[0]])
    elif down:
        log('waiting: %s not ready' % ', '.join(down))
        time.sleep(POLL)
    else:
        replicas = [n for n in stale if not is_primary(pods[n])]
        if replicas:
            replace(replicas[0], pods[replicas[0]])
        elif METHOD == 'switchover' and len(pods) > 1:
            switch_away(stale[0])
        else:
            replace(stale[0], pods[stale[0]])
    return True


def main():
    end = time.monotonic() + ROLLOUT_TIMEOUT
    while time.monotonic() < end:
        revision, pods = wait_for('the StatefulSet and its pods', snapshot, TIMEOUT)
        if revision != TARGET:
            log('superseded: the StatefulSet now updates to %s' % revision)
            return
        if not step(pods):
            log('every member runs %s' % TARGET)
            return
    fail('the rollout did not finish in time')


if __name__ == '__main__':
    main()
`;

/** The whole program (`python3 -c`). */
export const ROLLOUT_SCRIPT = [PY_COMMON, PY_PATRONI, PY_KUBERNETES, ROLLOUT_MAIN].join('\n');
