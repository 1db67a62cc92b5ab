/**
 * The switchover Job's program: Patroni's `POST /switchover` from the current leader to `CANDIDATE`
 * (or, without one, to the replica Patroni finds healthiest), then wait until the leader moved.
 *
 * Idempotent: when the leader already is the candidate (or, without a candidate, is no longer
 * `LEADER`, the primary the request was made against), there is nothing to do. It waits for a
 * running candidate first, so a replica that is still catching up delays the switchover instead of
 * failing it.
 */
import { PY_COMMON, PY_PATRONI } from './python.js';

const SWITCHOVER_MAIN = String.raw`
LEADER = os.environ['LEADER']
CANDIDATE = os.environ.get('CANDIDATE', '')
TIMEOUT = float(os.environ.get('SWITCHOVER_TIMEOUT', '300'))


def done(cluster):
    current = leader_of(cluster)
    if current is None:
        return False
    return current == CANDIDATE if CANDIDATE else current != LEADER


def candidate_up(cluster):
    leader = leader_of(cluster)
    for m in members_of(cluster):
        wanted = m.get('name') == CANDIDATE if CANDIDATE else m.get('name') != leader
        if wanted and m.get('state') in UP_STATES:
            return True
    return False


def ready_to_switch():
    cluster = get_cluster()
    if cluster is None:
        return None
    if done(cluster) or (leader_of(cluster) is not None and candidate_up(cluster)):
        return cluster
    return None


def main():
    cluster = wait_for('a leader and a running candidate', ready_to_switch, TIMEOUT)
    if done(cluster):
        log('nothing to do: the leader is %s' % leader_of(cluster))
        return
    body = {'leader': leader_of(cluster)}
    if CANDIDATE:
        body['candidate'] = CANDIDATE
    status, answer = patroni('POST', '/switchover', body, TIMEOUT)
    log('POST /switchover %s: %s %s' % (json.dumps(body, sort_keys=True), status, answer))
    if status != 200 and not done(get_cluster()):
        fail('switchover refused: %s %s' % (status, answer))
    final = wait_for('the new leader', lambda: (lambda c: c if done(c) else None)(get_cluster()), TIMEOUT)
    log('switched over: the leader is %s' % leader_of(final))


if __name__ == '__main__':
    main()
`;

/** The whole program (`python3 -c`). */
export const SWITCHOVER_SCRIPT = [PY_COMMON, PY_PATRONI, SWITCHOVER_MAIN].join('\n');
