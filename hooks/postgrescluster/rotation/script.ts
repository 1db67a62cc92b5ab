/**
 * The rotation Job's program. For each credential of its plan (`ROTATION_PLAN`, JSON from the Job's
 * own Secret), in the plan's order (the superuser last, since the Job logs in as the superuser):
 *
 * 1. set the new password in PostgreSQL, on the primary, as its SCRAM verifier (the plain text never
 *    reaches the server; statement logging off for the session), skipping a pooler or monitoring
 *    role that its own Job has not created yet (that Job creates it from the Secret, so with the new
 *    password);
 * 2. write the new password and every key derived from it (uri, jdbc-uri, userlist.txt, ...) into the
 *    credential's Secret with one merge patch, together with the generation annotation the hook reads.
 *
 * Database first, Secret second: whoever reads the Secret afterwards gets a password that already
 * works. Both steps are idempotent, so a retry redoes them. A retry after the superuser's password
 * changed but before its Secret did starts with the old password in `PGPASSWORD`: the program then
 * logs in with the new one from the plan.
 *
 * psql (the cluster's own image has it) runs each statement; the verifier reaches it through its
 * environment, never a command line.
 */
import { PY_COMMON, PY_KUBERNETES } from '../day2/python.js';

const ROTATE_MAIN =
  String.raw`
import base64, subprocess

PLAN = json.loads(os.environ['ROTATION_PLAN'])
ANNOTATION = os.environ['GENERATION_ANNOTATION']
PRIMARY_TIMEOUT = float(os.environ.get('PRIMARY_TIMEOUT', '900'))

ALTER_SQL = r"""\set pw ` +
  '`printenv ROTATE_VERIFIER`' +
  String.raw`
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET password_encryption = 'scram-sha-256';
SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'role') AS role_exists \gset
\if :role_exists
ALTER ROLE :"role" PASSWORD :'pw';
\echo role-updated
\else
\echo role-absent
\endif
"""


def psql(sql, password, variables=None, extra_env=None):
    """(exit code, stdout, stderr) of psql on the primary, as the superuser."""
    env = dict(os.environ)
    env.pop('ROTATION_PLAN', None)
    env['PGPASSWORD'] = password
    env.update(extra_env or {})
    args = ['psql', '--no-psqlrc', '--quiet', '--no-align', '--tuples-only', '--set=ON_ERROR_STOP=1']
    args += ['--set=%s=%s' % kv for kv in sorted((variables or {}).items())]
    try:
        done = subprocess.run(args, input=sql, env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return 1, '', 'psql timed out'
    return done.returncode, done.stdout, done.stderr


def new_password(purpose):
    for item in PLAN:
        if item['purpose'] == purpose:
            return base64.b64decode(item['data']['password']).decode('utf-8')
    return None


def superuser_password():
    """The password that logs in now: the Secret's, or the plan's new one after a half-done attempt."""
    candidates = [os.environ.get('PGPASSWORD', ''), new_password('superuser')]

    def check():
        for candidate in [c for c in candidates if c]:
            code, out, err = psql('SELECT pg_catalog.pg_is_in_recovery();', candidate)
            if code == 0 and out.strip() == 'f':
                return candidate
            log('primary not ready: %s' % (err.strip() or 'in recovery'))
        return None
    return wait_for('the primary to accept the superuser', check, PRIMARY_TIMEOUT)


def set_password(item, password):
    code, out, err = psql(ALTER_SQL, password, {'role': item['role']}, {'ROTATE_VERIFIER': item['verifier']})
    if code != 0:
        fail('setting the password of role %s: %s' % (item['role'], err.strip()))
    log('%s: role %s %s' % (item['purpose'], item['role'],
                            'has its new password' if 'role-updated' in out else 'does not exist yet'))


def write_secret(item):
    body = {'metadata': {'annotations': {ANNOTATION: str(item['generation'])}}, 'data': item['data']}
    status, answer = kube('PATCH', core('secrets', item['secret']), body, 'application/merge-patch+json')
    if status != 200:
        fail('PATCH secret %s: %s %s' % (item['secret'], status, answer))
    log('%s: secret %s holds generation %d' % (item['purpose'], item['secret'], item['generation']))


def main():
    password = superuser_password()
    for item in PLAN:
        set_password(item, password)
        write_secret(item)
        if item['purpose'] == 'superuser':
            password = new_password('superuser')
    log('rotated: ' + ', '.join('%s=%d' % (i['purpose'], i['generation']) for i in PLAN))


main()
`;

/** The whole program: helpers, then the rotation. */
export const ROTATE_SCRIPT = `${PY_COMMON}${PY_KUBERNETES}${ROTATE_MAIN}`;
