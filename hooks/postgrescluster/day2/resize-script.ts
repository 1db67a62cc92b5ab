/**
 * The resize Job's program: set `spec.resources.requests.storage` of each listed claim to `SIZE`
 * (a JSON merge patch of that one field). A claim already at `SIZE` is left alone and a claim that is
 * gone is skipped, so a retry finishes what an earlier attempt started. The storage driver then grows
 * the volume and, usually online, the filesystem; the hook reports each claim's capacity from there.
 */
import { PY_COMMON, PY_KUBERNETES } from './python.js';

const RESIZE_MAIN = String.raw`
SIZE = os.environ['SIZE']
CLAIMS = os.environ['CLAIMS'].split()


def read_claim(name):
    for _ in range(30):
        claim = get_object(core('persistentvolumeclaims', name))
        if claim is not False:
            return claim
        time.sleep(POLL)
    fail('cannot reach the Kubernetes API to read ' + name)


def main():
    for name in CLAIMS:
        claim = read_claim(name)
        if claim is None:
            log('%s does not exist any more: skipped' % name)
            continue
        requested = (((claim.get('spec') or {}).get('resources') or {}).get('requests') or {}).get('storage')
        if requested == SIZE:
            log('%s already requests %s' % (name, SIZE))
            continue
        body = {'spec': {'resources': {'requests': {'storage': SIZE}}}}
        status, answer = kube('PATCH', core('persistentvolumeclaims', name), body, 'application/merge-patch+json')
        if status != 200:
            fail('PATCH %s to %s: %s %s' % (name, SIZE, status, answer))
        log('%s requests %s (was %s)' % (name, SIZE, requested))


if __name__ == '__main__':
    main()
`;

/** The whole program (`python3 -c`). */
export const RESIZE_SCRIPT = [PY_COMMON, PY_KUBERNETES, RESIZE_MAIN].join('\n');
