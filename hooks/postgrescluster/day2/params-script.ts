/**
 * The parameter Job's program: `PATCH /config` with the DCS-only parameters, then restart the
 * members that report `pending_restart`, one at a time, replicas first, each only while every
 * member runs, waiting for each to run again before the next.
 *
 * `plan_restarts` is the Python twin of `planRestarts` (patroni/restart-plan.ts, which the Patroni
 * rig runs against real Patroni); a property test runs both on the same inputs and compares.
 */
import { RESTART_REQUEST } from '../patroni/restart-plan.js';
import { PY_COMMON, PY_PATRONI } from './python.js';

const PARAMS_MAIN = String.raw`
LOOP_WAIT = float(os.environ.get('LOOP_WAIT', '10'))
RESTART_TIMEOUT = float(os.environ.get('RESTART_TIMEOUT', '900'))
ORDER = {'replica': 0, 'synchronous': 1, 'leader': 2}


def restart_role(m):
    if m.get('role') in LEADER_ROLES:
        return 'leader'
    if m.get('role') in SYNCHRONOUS_ROLES:
        return 'synchronous'
    return 'replica'


def plan_restarts(cluster):
    """Up members pending a restart: asynchronous replicas, synchronous standbys, then the leader."""
    steps = [
        {'member': m.get('name'), 'apiUrl': m['api_url'], 'role': restart_role(m)}
        for m in members_of(cluster)
        if m.get('pending_restart') is True and m.get('state') in UP_STATES and m.get('api_url') is not None
    ]
    steps.sort(key=lambda s: (ORDER[s['role']], s['member']))
    return steps


def member_up(name):
    cluster = get_cluster()
    return any(m.get('name') == name and m.get('state') in UP_STATES for m in members_of(cluster))


def restart(step):
    name = step['member']
    wait_for('every member to run before restarting ' + name, lambda: all_up(get_cluster()), RESTART_TIMEOUT)
    log('restarting %s (%s)' % (name, step['role']))
    # restart_pending: Patroni refuses (503) a member that no longer needs it, so a retry is harmless.
    status, body = patroni('POST', '/restart', RESTART_REQUEST, RESTART_TIMEOUT, rest_base(step['apiUrl']))
    if status == 503 and 'restart conditions are not satisfied' in str(body):
        log('%s no longer needs a restart' % name)
    elif status != 200:
        fail('POST /restart on %s: %s %s' % (name, status, body))
    wait_for(name + ' to run again', lambda: member_up(name), RESTART_TIMEOUT)


def settle():
    """Members compare the DCS values with the running ones in their next HA loop."""
    end = time.monotonic() + 3 * LOOP_WAIT
    while time.monotonic() < end:
        up = [m for m in members_of(get_cluster()) if m.get('state') in UP_STATES]
        if up and all(m.get('pending_restart') is True for m in up):
            return
        time.sleep(POLL)


def main():
    patch = json.loads(os.environ['DCS_PATCH'])
    wait_for('PATCH /config to succeed', lambda: patroni('PATCH', '/config', patch)[0] == 200, 600)
    log('PATCH /config ' + json.dumps(patch, sort_keys=True))
    settle()
    for _ in range(3):
        plan = plan_restarts(wait_for('GET /cluster', get_cluster, 600))
        if not plan:
            break
        log('restart plan: ' + ', '.join('%s (%s)' % (s['member'], s['role']) for s in plan))
        for step in plan:
            restart(step)
        time.sleep(LOOP_WAIT)  # pending_restart is refreshed in the next HA loop
    left = [m.get('name') for m in members_of(wait_for('GET /cluster', get_cluster, 600))
            if m.get('pending_restart') is True]
    if left:
        fail('still pending a restart: ' + ', '.join(sorted(str(n) for n in left)))
    log('parameters applied')


if __name__ == '__main__':
    main()
`;

/** The whole program (`python3 -c`). */
export const PARAMS_SCRIPT = [
  PY_COMMON,
  PY_PATRONI,
  `RESTART_REQUEST = json.loads(${JSON.stringify(JSON.stringify(RESTART_REQUEST))})`,
  PARAMS_MAIN,
].join('\n');
