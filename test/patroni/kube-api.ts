/**
 * The few Kubernetes API calls the rollout Job's program makes (day2/rollout-script.ts), answered
 * from the rig: the StatefulSet (its update revision), each member's pod (the role label Patroni
 * keeps, from the member's `GET /patroni`; Ready from its `GET /readiness`, Patroni v4.0.4
 * patroni/api.py `do_GET_readiness`; the revision it was started from) and the deletion of a pod,
 * which stops that member's Patroni with SIGTERM, as the kubelet stops a container (Patroni shuts
 * PostgreSQL down and, on the leader, releases the lock: patroni/ha.py `Ha.shutdown`), then starts it
 * again on the same data directory at the new revision, as the StatefulSet controller recreates the pod.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from './procs.js';
import { rest } from './rest.js';
import { startMember, type Member, type Rig } from './rig.js';

interface PodState {
  uid: string;
  revision: string;
  terminating: boolean;
  incarnation: number;
}

export interface FakeKube {
  url: string;
  serviceAccountDir: string;
  /** Pod deletions in order, with the role label the pod had. */
  deletions: { name: string; role: string }[];
  close(): Promise<void>;
}

async function roleLabel(m: Member): Promise<string> {
  const answer = await rest(m.api, '/patroni', { timeoutMs: 2000 }).catch(() => undefined);
  if (answer?.status !== 200) return '';
  const role = (JSON.parse(answer.text) as { role?: string }).role;
  return role === 'master' || role === 'primary' ? 'master' : 'replica';
}

async function ready(m: Member): Promise<boolean> {
  const answer = await rest(m.api, '/readiness', { timeoutMs: 2000 }).catch(() => undefined);
  return answer?.status === 200;
}

/** Starts the fake API for `rig`, whose members all run `revision` and are to move to `target`. */
export async function startFakeKube(rig: Rig, o: { revision: string; target: string }): Promise<FakeKube> {
  const pods = new Map<string, PodState>(
    rig.members.map((m) => [
      m.name,
      { uid: `${m.name}-0`, revision: o.revision, terminating: false, incarnation: 0 },
    ]),
  );
  const deletions: { name: string; role: string }[] = [];
  const sts = rig.source.statefulSet;

  async function pod(m: Member, s: PodState): Promise<unknown> {
    const role = s.terminating ? '' : await roleLabel(m);
    const up = !s.terminating && m.proc?.running() === true && (await ready(m));
    return {
      metadata: {
        name: m.name,
        uid: s.uid,
        labels: { 'controller-revision-hash': s.revision, ...(role === '' ? {} : { 'spilo-role': role }) },
        ...(s.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      },
      status: { conditions: [{ type: 'Ready', status: up ? 'True' : 'False' }] },
    };
  }

  async function replace(m: Member, s: PodState): Promise<void> {
    s.terminating = true;
    if (m.proc) await stopProcess(m.proc, 60_000);
    s.incarnation++;
    s.uid = `${m.name}-${s.incarnation}`;
    s.revision = o.target;
    s.terminating = false;
    startMember(m);
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const url = req.url ?? '';
    if (url.endsWith(`/statefulsets/${sts}`)) {
      const status = { observedGeneration: 1, updateRevision: o.target };
      send(200, {
        metadata: { name: sts, generation: 1 },
        spec: { replicas: rig.members.length },
        status,
      });
      return;
    }
    const name = /\/pods\/([^/]+)$/.exec(url)?.[1] ?? '';
    const m = rig.members.find((x) => x.name === name);
    const s = pods.get(name);
    if (!m || !s) {
      send(404, { kind: 'Status', code: 404 });
      return;
    }
    if (req.method === 'GET') {
      send(200, await pod(m, s));
      return;
    }
    if (req.method !== 'DELETE') {
      send(405, {});
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const uid = (JSON.parse(raw || '{}') as { preconditions?: { uid?: string } }).preconditions?.uid;
    if (uid !== undefined && uid !== s.uid) {
      send(409, { kind: 'Status', code: 409 });
      return;
    }
    deletions.push({ name, role: await roleLabel(m) });
    void replace(m, s);
    send(200, { kind: 'Status', status: 'Success' });
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceAccountDir = mkdtempSync(join(tmpdir(), 'pgmeta-rig-sa-'));
  writeFileSync(join(serviceAccountDir, 'token'), 'rig-token');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serviceAccountDir,
    deletions,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
