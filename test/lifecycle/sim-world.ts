/**
 * A bare simulated cluster for the simulation's own tests (no hook, no Metacontroller): the API
 * server with Kubernetes' rules, the controllers of cluster-sim.ts, and a clock advanced in the
 * 5-second passes scenarios use. With `storageClass`, a default StorageClass that allows expansion or not.
 */
import { ClusterSim } from './cluster-sim';
import { KUBERNETES_RULES } from './lib/apiserver-rules';
import { SimClock } from './lib/clock';
import { ApiStore } from './lib/store';

export function bareSim(o: { storageClass?: { allowVolumeExpansion: boolean } } = {}) {
  const clock = new SimClock();
  const store = new ApiStore(clock, KUBERNETES_RULES);
  const sim = new ClusterSim({ store, clock, trace: () => undefined });
  if (o.storageClass) {
    store.create(
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        allowVolumeExpansion: o.storageClass.allowVolumeExpansion,
      },
      'test',
    );
  }
  const ticks = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(5);
      sim.tick();
    }
  };
  return { clock, store, sim, ticks };
}
