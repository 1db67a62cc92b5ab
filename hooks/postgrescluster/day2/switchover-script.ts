/**
 * The switchover Job's program: Patroni's `POST /switchover` from the current leader to `CANDIDATE`
 * (or, without one, to the replica Patroni finds healthiest), then wait until the leader moved.
 *
 * Idempotent: when the leader already is the candidate (or, without a candidate, is no longer
 * `LEADER`, the primary the request was made against), there is nothing to do. It waits for a
 * running candidate first, so a replica that is still catching up delays the switchover instead of
 * failing it.
 *
 * What Patroni 4.0.4 does with the request (patroni/api.py, read at v4.0.4):
 * - `is_failover_possible`: in synchronous mode (not quorum) a candidate that is not the synchronous
 *   standby is refused with 412 "candidate name does not match with sync_standby", and without a
 *   candidate only a synchronous standby may take over (412 "can not find sync_standby" when there is
 *   none). So with `SYNCHRONOUS=true` the program waits until the candidate (or, without one, some
 *   member) is a running `sync_standby` in `GET /cluster` (patroni/utils.py `cluster_as_json` names
 *   that role only in synchronous mode) before it asks.
 * - `poll_failover_result`: after writing the failover key Patroni polls the DCS once a second for
 *   `max(10, loop_wait)` * 2 tries (20 s with Spilo's loop_wait 10) and then answers 503 "Switchover
 *   status unknown" although the switchover may still complete. A 503 of that kind, or no answer at
 *   all, is therefore not a failure: the program watches `GET /cluster` for `SETTLE_SECONDS` and
 *   decides from the leader it sees. "Switchover failed" (the key is gone, the leader stayed) and
 *   "failed to write failover key into DCS" are final.
 *
 * The members' headless Service publishes pods that are not ready (`publishNotReadyAddresses`), so
 * `PATRONI_URL` may lead to a member without PostgreSQL or without the DCS. The program resolves every
 * address of that name and talks only to members whose Patroni `/readiness` (the pod's readiness
 * probe, api.py `do_GET_readiness`) answers 200; the request goes to the leader's own REST API.
 */
import { PY_COMMON, PY_PATRONI } from './python.js';

const SWITCHOVER_MEMBERS = String.raw`
import socket, urllib.parse

LEADER = os.environ['LEADER']
CANDIDATE = os.environ.get('CANDIDATE', '')
SYNCHRONOUS = os.environ.get('SYNCHRONOUS', '') == 'true'
TIMEOUT = float(os.environ.get('SWITCHOVER_TIMEOUT', '300'))
SETTLE = float(os.environ.get('SETTLE_SECONDS', '120'))
PENDING = ('Switchover status unknown',)


def service_bases():
    """Every member behind PATRONI_URL's name, ready or not (the headless Service lists both)."""
    url = urllib.parse.urlsplit(PATRONI_URL)
    port = url.port or 8008
    try:
        hosts = sorted({info[4][0] for info in socket.getaddrinfo(url.hostname, port, type=socket.SOCK_STREAM)})
    except OSError as e:
        log('cannot resolve %s: %s' % (url.hostname, e))
        return []
    return ['%s://%s:%d' % (url.scheme, '[%s]' % h if ':' in h else h, port) for h in hosts]


def is_ready(base):
    """Patroni's /readiness, the pod's readiness probe: 200 on the leader and on a running member."""
    return base is not None and patroni('GET', '/readiness', base=base)[0] == 200


def ready_cluster():
    """Patroni's view, read from the first ready member; None when no ready member answers."""
    for base in service_bases():
        if is_ready(base):
            status, body = patroni('GET', '/cluster', base=base)
            if status == 200 and isinstance(body, dict):
                return body
    return None


def base_of(cluster, name):
    for m in members_of(cluster):
        if m.get('name') == name and m.get('api_url'):
            return rest_base(m['api_url'])
    return None
`;

const SWITCHOVER_MAIN = String.raw`
def done(cluster):
    current = leader_of(cluster)
    if current is None:
        return False
    return current == CANDIDATE if CANDIDATE else current != LEADER


def eligible(m, leader):
    """A member Patroni would switch over to: the candidate or any replica; a sync standby if synchronous."""
    wanted = m.get('name') == CANDIDATE if CANDIDATE else m.get('name') != leader
    synchronous_ok = not SYNCHRONOUS or m.get('role') in SYNCHRONOUS_ROLES
    return wanted and synchronous_ok and m.get('state') in UP_STATES


def ready_to_switch():
    cluster = ready_cluster()
    if cluster is None:
        return None
    leader = leader_of(cluster)
    if done(cluster):
        return cluster
    if leader is None or not is_ready(base_of(cluster, leader)):
        return None
    return cluster if any(eligible(m, leader) for m in members_of(cluster)) else None


def waiting_for():
    if SYNCHRONOUS:
        who = CANDIDATE or 'a replica'
        return 'a ready leader and %s running as the synchronous standby (Patroni refuses any other ' \
               'candidate in synchronous mode)' % who
    return 'a ready leader and a running candidate'


def outcome(cluster):
    """'done', 'elsewhere' (a leader that is neither LEADER nor CANDIDATE) or None (still LEADER)."""
    if done(cluster):
        return 'done'
    current = leader_of(cluster)
    return 'elsewhere' if current not in (None, LEADER) else None


def settle(answer):
    """After an unconfirmed request: the leader Patroni reports once it settles, or fail."""
    cluster = wait_for('the switchover to settle after "%s"' % answer,
                       lambda: (lambda c: c if c is not None and outcome(c) else None)(ready_cluster()), SETTLE)
    return cluster


def request(cluster):
    leader = leader_of(cluster)
    body = {'leader': leader}
    if CANDIDATE:
        body['candidate'] = CANDIDATE
    status, answer = patroni('POST', '/switchover', body, TIMEOUT, base_of(cluster, leader))
    log('POST /switchover %s: %s %s' % (json.dumps(body, sort_keys=True), status, answer))
    if status == 200:
        return ready_cluster() or settle(answer)
    if status == 0 or (status == 503 and str(answer).strip() in PENDING):
        log('Patroni could not confirm the switchover yet; watching the leader')
        return settle(answer)
    fail('switchover refused: %s %s' % (status, answer))


def main():
    cluster = wait_for(waiting_for(), ready_to_switch, TIMEOUT)
    if done(cluster):
        log('nothing to do: the leader is %s' % leader_of(cluster))
        return
    after = request(cluster)
    if outcome(after) == 'elsewhere':
        fail('Patroni made %s the leader instead of %s' % (leader_of(after), CANDIDATE))
    final = wait_for('the new leader', lambda: (lambda c: c if c is not None and done(c) else None)(ready_cluster()),
                     TIMEOUT)
    log('switched over: the leader is %s' % leader_of(final))


if __name__ == '__main__':
    main()
`;

/** The whole program (`python3 -c`). */
export const SWITCHOVER_SCRIPT = [PY_COMMON, PY_PATRONI, SWITCHOVER_MEMBERS, SWITCHOVER_MAIN].join('\n');
