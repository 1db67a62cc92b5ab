/**
 * The volume controllers: a new claim binds on the next pass (dynamic provisioning); a claim whose
 * request grew is expanded on the next pass (the API server only accepts the growth when the
 * StorageClass allows expansion, see apiserver-rules.ts), and `status.capacity` then follows.
 */
import { specOf, statusOf, type SimContext } from './context';

export const VOLUME_CONTROLLER = 'persistentvolume-controller';

export function volumesTick(ctx: SimContext): void {
  for (const pvc of ctx.store.list('PersistentVolumeClaim')) {
    if (pvc.metadata.deletionTimestamp !== undefined) continue;
    const requested = (specOf(pvc)['resources'] as { requests?: { storage?: string } } | undefined)?.requests
      ?.storage;
    const status = statusOf(pvc);
    const capacity = (status['capacity'] as { storage?: string } | undefined)?.storage;
    if (status['phase'] !== 'Bound') {
      pvc['spec'] = { ...specOf(pvc), volumeName: `pvc-${(pvc.metadata.uid ?? '').slice(0, 8)}` };
      const bound = ctx.store.update(pvc, VOLUME_CONTROLLER);
      ctx.store.updateStatus(
        {
          ...bound,
          status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: requested } },
        },
        VOLUME_CONTROLLER,
      );
    } else if (requested !== undefined && requested !== capacity) {
      ctx.store.updateStatus(
        { ...pvc, status: { ...status, capacity: { storage: requested } } },
        'volume-expander',
      );
      ctx.trace(`volumes: ${pvc.metadata.name} expanded to ${requested}`);
    }
  }
}
