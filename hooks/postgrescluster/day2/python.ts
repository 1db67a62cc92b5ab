/**
 * Python helpers every day-2 script starts with: HTTP with timeouts, bounded waits, Patroni's REST
 * API and the Kubernetes API (through the Job's own ServiceAccount token). Standard library only,
 * because that is what the Spilo image is guaranteed to have.
 *
 * Every wait has its own timeout and the Job its `activeDeadlineSeconds`, so nothing blocks forever.
 * The environment knobs `POLL_SECONDS`, `KUBERNETES_API` and `SERVICEACCOUNT_DIR` have production
 * defaults; tests point them at local fakes.
 */

/** HTTP, logging and waiting. */
export const PY_COMMON = String.raw`import json, os, ssl, sys, time, urllib.error, urllib.request

POLL = float(os.environ.get('POLL_SECONDS', '2'))


def log(message):
    print(time.strftime('%Y-%m-%dT%H:%M:%S'), message, flush=True)


def fail(message):
    log('FAILED: ' + message)
    sys.exit(1)


def decode(raw):
    text = raw.decode('utf-8', 'replace')
    try:
        return json.loads(text)
    except ValueError:
        return text


def call(method, url, body=None, timeout=10, headers=None, context=None):
    """One HTTP call: (status, JSON or text). Status 0 when the server could not be reached."""
    data = None if body is None else json.dumps(body).encode()
    hdrs = dict(headers or {})
    if data is not None and 'Content-Type' not in hdrs:
        hdrs['Content-Type'] = 'application/json'
    request = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return response.status, decode(response.read())
    except urllib.error.HTTPError as e:
        return e.code, decode(e.read())
    except (urllib.error.URLError, OSError, ValueError) as e:
        return 0, str(e)


def wait_for(what, check, timeout):
    """Polls check() until it returns something truthy, which it returns; fails after timeout."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= end:
            fail('timed out after %ds waiting for %s' % (timeout, what))
        time.sleep(POLL)
`;

/**
 * Patroni's REST API: `PATRONI_URL` is any member (the members' headless Service). Every call sends
 * HTTP Basic credentials from `PATRONI_RESTAPI_USERNAME`/`PASSWORD` (the cluster's Secret, through
 * the Job's env: never on a command line), which Patroni requires for writes (patroni/rest-api.ts).
 */
export const PY_PATRONI = String.raw`
import base64

PATRONI_URL = os.environ.get('PATRONI_URL', '').rstrip('/')
_API_USER = os.environ.get('PATRONI_RESTAPI_USERNAME', '')
PATRONI_AUTH = {'Authorization': 'Basic ' + base64.b64encode(
    (_API_USER + ':' + os.environ.get('PATRONI_RESTAPI_PASSWORD', '')).encode()).decode()} if _API_USER else {}
UP_STATES = ('running', 'streaming')
LEADER_ROLES = ('leader', 'standby_leader', 'master', 'primary')
SYNCHRONOUS_ROLES = ('sync_standby', 'quorum_standby')


def rest_base(api_url):
    """http://10.0.0.5:8008/patroni (a member's api_url) -> http://10.0.0.5:8008"""
    return api_url[:-len('/patroni')] if api_url.endswith('/patroni') else api_url.rstrip('/')


def patroni(method, path, body=None, timeout=10, base=None):
    return call(method, (base or PATRONI_URL) + path, body, timeout, PATRONI_AUTH)


def get_cluster():
    status, body = patroni('GET', '/cluster')
    return body if status == 200 and isinstance(body, dict) else None


def members_of(cluster):
    members = cluster.get('members') if isinstance(cluster, dict) else None
    return [m for m in members if isinstance(m, dict)] if isinstance(members, list) else []


def leader_of(cluster):
    for m in members_of(cluster):
        if m.get('role') in LEADER_ROLES:
            return m.get('name')
    return None


def all_up(cluster):
    """Every member Patroni knows runs PostgreSQL: taking one down now leaves the others serving."""
    members = members_of(cluster)
    return cluster is not None and len(members) > 0 and all(m.get('state') in UP_STATES for m in members)
`;

/** The Kubernetes API as the Job's ServiceAccount, in the Job's namespace (`NAMESPACE`). */
export const PY_KUBERNETES = String.raw`
SA_DIR = os.environ.get('SERVICEACCOUNT_DIR', '/var/run/secrets/kubernetes.io/serviceaccount')
API = os.environ.get('KUBERNETES_API', 'https://kubernetes.default.svc').rstrip('/')
NAMESPACE = os.environ['NAMESPACE']


def kube(method, path, body=None, content_type='application/json'):
    with open(SA_DIR + '/token') as f:  # read on every call: the kubelet rotates the token
        token = f.read().strip()
    context = ssl.create_default_context(cafile=SA_DIR + '/ca.crt') if API.startswith('https:') else None
    headers = {'Authorization': 'Bearer ' + token, 'Content-Type': content_type}
    return call(method, API + path, body, 30, headers, context)


def core(kind, name):
    return '/api/v1/namespaces/%s/%s/%s' % (NAMESPACE, kind, name)


def get_object(path):
    """The object, None when it does not exist; fails on any other answer (e.g. 403)."""
    status, body = kube('GET', path)
    if status == 200 and isinstance(body, dict):
        return body
    if status == 404:
        return None
    if status == 0:
        return False
    fail('GET %s: %s %s' % (path, status, body))
`;
