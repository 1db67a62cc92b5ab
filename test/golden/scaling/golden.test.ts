/**
 * Goldens of the KEDA decorator: a cluster scaling on CPU and connections, and the same cluster while
 * a replica lags (the ScaledObject is paused). `UPDATE_GOLDEN=1 npx jest test/golden` rewrites them.
 */
import { kedaDecorator } from '../../../hooks/integrations/keda';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { fakeUid } from '../../support/apiserver';
import { CTX, parentFrom } from '../../support/cluster-world';
import { describeGoldens } from '../../support/golden';

const SPEC = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  synchronous: { mode: 'sync' },
  metrics: { enabled: true },
  scaling: { enabled: true, maxReplicas: 8, connectionsPerReplica: 150 },
};
const member = (name: string, lagBytes?: number) => ({
  name,
  role: lagBytes === undefined ? 'primary' : 'replica',
  state: 'running',
  ready: true,
  ...(lagBytes === undefined ? {} : { lagBytes }),
});

function body(status: unknown): Record<string, unknown> {
  return {
    controller: {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: 'DecoratorController',
      metadata: { name: 'postgrescluster-keda', uid: fakeUid('dc-keda'), generation: 1 },
    },
    object: parentFrom(SPEC, { status }),
    attachments: { 'ScaledObject.keda.sh/v1alpha1': {}, 'TriggerAuthentication.keda.sh/v1alpha1': {} },
    related: { 'StatefulSet.apps/v1': {} },
    finalizing: false,
  };
}

const CASES: Record<string, () => Record<string, unknown>> = {
  'keda-scaling': () =>
    body({
      phase: 'Running',
      members: [member('orders-0'), member('orders-1', 0), member('orders-2', 4096)],
    }),
  'keda-paused-while-lagging': () =>
    body({
      phase: 'Running',
      members: [member('orders-0'), member('orders-1', 0), member('orders-2', 300_000_000)],
    }),
};

describeGoldens({
  dir: __dirname,
  cases: CASES,
  answer: (body) => runHook({ def: kedaDecorator, hook: 'sync', body, ctx: CTX }),
});
