/**
 * The endpoints controller's duties the simulation needs (kubernetes
 * `pkg/controller/endpoint/endpoints_controller.go`):
 * - `syncService`: a Service that is gone takes its same-named Endpoints along;
 * - `checkLeftoverEndpoints`, once when the controller starts (a controller-manager restart or
 *   leader change): every Endpoints without a same-named Service is deleted, except those holding a
 *   leader-election record (annotation `control-plane.alpha.kubernetes.io/leader`).
 * Patroni (v4.0.4, `patroni/dcs/kubernetes.py` `Kubernetes.patch_or_create_config`,
 * `_create_config_service`) creates the `<scope>-config` Service for this reason; the leader
 * Endpoints `<scope>` relies on the operator's Service of that name, and `<scope>-failover` and
 * `<scope>-sync` have none, so a restart removes them.
 */
import type { SimContext } from './context';

export const ENDPOINT_CONTROLLER = 'endpoint-controller';
export const LEADER_ELECTION_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export class EndpointsController {
  private services = new Set<string>();

  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  tick(): void {
    const now = this.serviceKeys();
    for (const key of this.services) {
      if (now.has(key)) continue;
      const [namespace = '', name = ''] = key.split('/');
      if (this.ctx.store.get({ kind: 'Endpoints', namespace, name })) {
        this.ctx.store.delete({ kind: 'Endpoints', namespace, name }, { actor: ENDPOINT_CONTROLLER });
      }
    }
    this.services = now;
  }

  /** The controller starts again: Endpoints left without their Service are deleted. */
  restart(): void {
    const services = this.serviceKeys();
    for (const ep of this.ctx.store.list('Endpoints')) {
      const namespace = ep.metadata.namespace ?? '';
      if (services.has(`${namespace}/${ep.metadata.name}`)) continue;
      if (ep.metadata.annotations?.[LEADER_ELECTION_ANNOTATION] !== undefined) continue;
      this.ctx.store.delete(
        { kind: 'Endpoints', namespace, name: ep.metadata.name },
        { actor: ENDPOINT_CONTROLLER },
      );
      this.ctx.trace(`endpoints: deleted ${ep.metadata.name}, which has no Service`);
    }
    this.services = services;
  }

  private serviceKeys(): Set<string> {
    return new Set(
      this.ctx.store.list('Service').map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`),
    );
  }
}
