/**
 * A fake of what the day-2 Job scripts talk to, on one loopback HTTP server: Patroni's REST API
 * (`/cluster`, `/config`, `/switchover`, and each member's `/m/<name>/restart`) and the few Kubernetes
 * API calls they make (StatefulSet and Pod reads, Pod deletes, PVC reads and patches, Endpoints and
 * Service deletes). Patroni's view and the pods share one state, so a switchover relabels the pod and
 * a deleted pod comes back as a new member on the StatefulSet's update revision.
 *
 * Every call is logged in order (`events`), and every member's state when a disruptive call arrives
 * is checked against the rule the scripts promise (never more than one member down). `received`
 * names the member of each Patroni call: `/m/<name>/...`, or `service` for the root (the headless
 * Service, ready or not); a not-ready member answers `/readiness` 503 (patroni/api.py
 * `do_GET_readiness`) and any other call to it is a violation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMember {
  name: string;
  role: 'leader' | 'replica' | 'sync_standby';
  state: string;
  pendingRestart?: boolean;
  revision: string;
  uid: string;
  ready: boolean;
}

export interface FakeOptions {
  members: FakeMember[];
  statefulSet?: { name: string; replicas: number; updateRevision: string };
  /** Polls a restarted or recreated member stays down before it runs again. */
  downPolls?: number;
  /** Whether a PATCH /config makes every member pending a restart. */
  patchNeedsRestart?: boolean;
  claims?: Record<string, string>;
  /** Objects (`<resource>/<name>`) that exist for DELETE. */
  deletable?: string[];
  /** Answers to force: `METHOD path` → status. */
  failWith?: Record<string, number>;
  /** A newer template after this many pod deletions: the StatefulSet's update revision changes. */
  supersede?: { afterDeletes: number; revision: string };
  /** Patroni's synchronous mode: only a `sync_standby` may take over (api.py `is_failover_possible`). */
  synchronous?: boolean;
  /** The member the root (the headless Service) leads to; default: a ready member. */
  service?: string;
  /** POST /switchover answers 503 "Switchover status unknown" (api.py `poll_failover_result`, after
   * 20 polls); the leader moves this many `/cluster` reads later. */
  slowSwitchover?: number;
}

export class FakeCluster {
  readonly events: string[] = [];
  readonly violations: string[] = [];
  readonly received: string[] = [];
  config: Record<string, unknown> = {};
  readonly members: FakeMember[];
  readonly claims: Record<string, string>;
  private readonly deletable: Set<string>;
  private server: Server | undefined;
  private down = new Map<string, number>();
  private uidSeq = 0;
  private deletes = 0;
  private pendingSwitch: { to: FakeMember; reads: number } | undefined;
  private readonly o: FakeOptions;

  constructor(o: FakeOptions) {
    this.o = o;
    this.members = o.members.map((m) => ({ ...m }));
    this.claims = { ...(o.claims ?? {}) };
    this.deletable = new Set(o.deletable ?? []);
    // Members that are starting come back like restarted ones; crashed ones stay down until replaced.
    for (const m of this.members) if (m.state === 'starting') this.down.set(m.name, o.downPolls ?? 2);
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${addr?.port ?? 0}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.server)
        this.server.close(() => {
          resolve();
        });
      else resolve();
    });
  }

  member(name: string): FakeMember | undefined {
    return this.members.find((m) => m.name === name);
  }

  leader(): string | undefined {
    return this.members.find((m) => m.role === 'leader')?.name;
  }

  /** A member coming back after `downPolls` observations. */
  private tick(): void {
    for (const [name, left] of this.down) {
      if (left > 0) {
        this.down.set(name, left - 1);
        continue;
      }
      const m = this.member(name);
      if (m) {
        m.state = 'running';
        m.ready = true;
      }
      this.down.delete(name);
    }
  }

  private takeDown(m: FakeMember, what: string): void {
    const others = this.members.filter((x) => x !== m && (x.state !== 'running' || !x.ready));
    if (others.length > 0) this.violations.push(`${what} while ${others.map((x) => x.name).join(',')} down`);
    m.state = 'starting';
    m.ready = false;
    this.down.set(m.name, this.o.downPolls ?? 2);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    const key = `${req.method} ${req.url}`;
    const forced = this.o.failWith?.[key];
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof value === 'string' ? value : JSON.stringify(value));
    };
    if (forced !== undefined) {
      this.events.push(`${key} -> ${forced}`);
      send(forced, 'forced failure');
      return;
    }
    this.tick();
    const [status, value] = this.handle(req.method ?? 'GET', req.url ?? '/', body);
    send(status, value);
  }

  private handle(method: string, url: string, body: unknown): [number, unknown] {
    const at = /^\/m\/([^/]+)(\/.*)$/.exec(url);
    const [who, path] = at ? [at[1], at[2]!] : [this.o.service, url];
    const patroniPath = ['/readiness', '/cluster', '/config', '/switchover', '/restart'].includes(path);
    if (patroniPath) this.received.push(`${who ?? 'service'} ${method} ${path}`);
    const m = who === undefined ? undefined : this.member(who);
    if (path === '/readiness') return [m === undefined || m.ready ? 200 : 503, ''];
    if (m && !m.ready && patroniPath) this.violations.push(`${method} ${path} sent to not-ready ${m.name}`);
    if (path === '/cluster' && method === 'GET') return [200, this.clusterView()];
    if (path === '/config' && method === 'PATCH') return this.patchConfig(body);
    if (path === '/switchover' && method === 'POST') return this.switchover(body);
    if (at && path === '/restart' && method === 'POST') return this.restart(at[1]!, body);
    return this.kube(method, url, body);
  }

  private clusterView(): unknown {
    const p = this.pendingSwitch;
    if (p && --p.reads <= 0) this.promote(p.to);
    return {
      members: this.members.map((m) => ({
        name: m.name,
        role: m.role,
        state: m.state,
        api_url: `${this.url}/m/${m.name}/patroni`,
        ...(m.pendingRestart ? { pending_restart: true } : {}),
      })),
    };
  }

  private patchConfig(body: unknown): [number, unknown] {
    this.events.push(`PATCH /config ${JSON.stringify(body)}`);
    this.config = { ...this.config, ...(body as object) };
    if (this.o.patchNeedsRestart ?? true) for (const m of this.members) m.pendingRestart = true;
    return [200, this.config];
  }

  private restart(name: string, body: unknown): [number, unknown] {
    const m = this.member(name);
    if (!m) return [404, 'no such member'];
    if ((body as { restart_pending?: boolean }).restart_pending && !m.pendingRestart) {
      this.events.push(`restart ${name} refused`);
      return [503, 'restart conditions are not satisfied'];
    }
    this.events.push(`restart ${name}`);
    this.takeDown(m, `restart ${name}`);
    m.pendingRestart = false;
    return [200, 'restarted successfully'];
  }

  /** api.py `is_failover_possible`, then `poll_failover_result`'s answers (Patroni v4.0.4). */
  private switchover(body: unknown): [number, unknown] {
    const { leader, candidate } = body as { leader?: string; candidate?: string };
    this.events.push(`switchover ${leader ?? ''} -> ${candidate ?? 'any'}`);
    if (leader !== this.leader()) return [412, 'leader name does not match'];
    const sync = this.o.synchronous === true;
    if (sync && candidate !== undefined && this.member(candidate)?.role !== 'sync_standby')
      return [412, 'candidate name does not match with sync_standby'];
    const eligible = (m: FakeMember) => m.role !== 'leader' && (!sync || m.role === 'sync_standby');
    const to = candidate ?? this.members.find((m) => eligible(m) && m.state === 'running')?.name;
    if (to === undefined && sync) return [412, 'switchover is not possible: can not find sync_standby'];
    const next = to === undefined ? undefined : this.member(to);
    if (next?.state !== 'running') return [412, 'candidate is not healthy'];
    if (this.o.slowSwitchover === undefined) this.promote(next);
    else this.pendingSwitch = { to: next, reads: this.o.slowSwitchover };
    if (this.pendingSwitch) return [503, 'Switchover status unknown'];
    return [200, `Successfully switched over to "${next.name}"`];
  }

  private promote(next: FakeMember): void {
    const former = this.member(this.leader() ?? '');
    for (const m of this.members) m.role = m === next ? 'leader' : 'replica';
    // The new primary takes its former leader as synchronous standby once it streams.
    if (former && this.o.synchronous) former.role = 'sync_standby';
    this.pendingSwitch = undefined;
  }

  private kube(method: string, url: string, body: unknown): [number, unknown] {
    const sts = this.o.statefulSet;
    const stsPath = /^\/apis\/apps\/v1\/namespaces\/[^/]+\/statefulsets\/([^/]+)$/.exec(url);
    if (stsPath && method === 'GET' && sts && stsPath[1] === sts.name) {
      return [
        200,
        {
          metadata: { name: sts.name, generation: 2 },
          spec: { replicas: sts.replicas },
          status: { observedGeneration: 2, updateRevision: sts.updateRevision },
        },
      ];
    }
    const core = /^\/api\/v1\/namespaces\/[^/]+\/([a-z]+)\/([^/]+)$/.exec(url);
    if (!core) return [404, `no route ${method} ${url}`];
    const [, resource, name] = core as unknown as [string, string, string];
    if (resource === 'pods') return this.pod(method, name, body);
    if (resource === 'persistentvolumeclaims') return this.claim(method, name, body);
    if (method === 'DELETE') {
      this.events.push(`delete ${resource}/${name}`);
      return this.deletable.delete(`${resource}/${name}`) ? [200, {}] : [404, {}];
    }
    return [404, {}];
  }

  private podObject(m: FakeMember): unknown {
    return {
      metadata: {
        name: m.name,
        uid: m.uid,
        labels: {
          'controller-revision-hash': m.revision,
          'spilo-role': m.role === 'leader' ? 'master' : 'replica',
        },
      },
      status: { conditions: [{ type: 'Ready', status: m.ready ? 'True' : 'False' }] },
    };
  }

  private pod(method: string, name: string, body: unknown): [number, unknown] {
    const m = this.member(name);
    if (!m) return [404, {}];
    if (method === 'GET') return [200, this.podObject(m)];
    if (method !== 'DELETE') return [405, {}];
    const uid = (body as { preconditions?: { uid?: string } } | undefined)?.preconditions?.uid;
    if (uid !== undefined && uid !== m.uid) return [409, 'precondition failed'];
    this.events.push(`delete pod ${name} (${m.role})`);
    const sup = this.o.supersede;
    if (sup !== undefined) {
      this.deletes++;
      if (this.deletes === sup.afterDeletes && this.o.statefulSet)
        this.o.statefulSet.updateRevision = sup.revision;
    }
    this.takeDown(m, `delete ${name}`);
    // The StatefulSet controller recreates it on the update revision; Patroni makes it a replica.
    m.uid = `uid-${name}-${++this.uidSeq}`;
    m.revision = this.o.statefulSet?.updateRevision ?? m.revision;
    if (m.role === 'leader') {
      m.role = 'replica';
      const heir = this.members.find((x) => x !== m && x.state === 'running');
      if (heir) heir.role = 'leader';
    }
    return [200, {}];
  }

  private claim(method: string, name: string, body: unknown): [number, unknown] {
    const size = this.claims[name];
    if (size === undefined) return [404, {}];
    const object = (s: string) => ({ metadata: { name }, spec: { resources: { requests: { storage: s } } } });
    if (method === 'GET') return [200, object(size)];
    if (method !== 'PATCH') return [405, {}];
    const next = (body as { spec: { resources: { requests: { storage: string } } } }).spec.resources.requests
      .storage;
    this.events.push(`patch ${name} ${size} -> ${next}`);
    this.claims[name] = next;
    return [200, object(next)];
  }
}
