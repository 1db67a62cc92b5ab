/** The endpoints controller's one duty the simulation needs: a deleted Service takes its Endpoints along. */
import type { SimContext } from './context';

/** The endpoints controller's one duty here: a deleted Service takes its same-named Endpoints along. */
export class EndpointsController {
  private services = new Set<string>();

  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  tick(): void {
    const now = new Set(
      this.ctx.store.list('Service').map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`),
    );
    for (const key of this.services) {
      if (now.has(key)) continue;
      const [namespace = '', name = ''] = key.split('/');
      if (this.ctx.store.get({ kind: 'Endpoints', namespace, name })) {
        this.ctx.store.delete({ kind: 'Endpoints', namespace, name }, { actor: 'endpoint-controller' });
      }
    }
    this.services = now;
  }
}
