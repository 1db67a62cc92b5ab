/**
 * The psql rendering, run by a real psql with the Job's arguments and environment, leaves a server in
 * exactly the state the step runner does: the Job and the tests execute the same script. Needs a
 * psql of major 15 or newer (for \getenv); without one these tests are skipped and say so.
 */
import fc from 'fast-check';
import { applySteps, deleteSteps, renderPsql } from '../../../hooks/postgresdatabase/sql/index';
import type { RealServer } from '../../support/pgbin';
import { findPsql, runPsql, startTempServer } from '../../support/realpg';
import {
  allRoleNames,
  databaseNames,
  databaseState,
  insideState,
  passwordMatches,
  roleStates,
} from './catalog';
import { SHOP_A, SHOP_B, WATCHED, apply, drop, jobEnv, passwordOf, resolve } from './fixtures';
import { expectedRefusal, hostileName } from './names';

jest.setTimeout(120_000);

const psql = findPsql();
const describePsql = psql ? describe : describe.skip;
if (!psql) console.warn('skipped: no psql >= 15 installed (apt-get install postgresql-client)');

interface State {
  roles: Awaited<ReturnType<typeof roleStates>>;
  database: Awaited<ReturnType<typeof databaseState>>;
  inside: Awaited<ReturnType<typeof insideState>> | undefined;
  databases: string[];
}

async function state(server: RealServer): Promise<State> {
  const database = await databaseState(server, 'shop');
  return {
    roles: await roleStates(server, WATCHED),
    database,
    inside: database ? await insideState(server, 'shop', WATCHED) : undefined,
    databases: await databaseNames(server),
  };
}

async function viaPsql(server: RealServer, script: string, env: Record<string, string>): Promise<string> {
  const run = await runPsql(server, script, env);
  if (run.code !== 0) throw new Error(`psql exited ${run.code}: ${run.stderr}`);
  return run.stderr;
}

describePsql('the psql rendering (PostgreSQL 17 server)', () => {
  let viaRunner: RealServer;
  let viaJob: RealServer;
  const closers: (() => Promise<void>)[] = [];
  const a = resolve(SHOP_A);
  const b = resolve(SHOP_B);

  beforeAll(async () => {
    for (const target of ['runner', 'psql']) {
      const { server, close } = await startTempServer('17');
      closers.push(close);
      if (target === 'runner') viaRunner = server;
      else viaJob = server;
    }
  });
  afterAll(async () => Promise.all(closers.map((c) => c())));

  it.each([
    ['apply A', a, 'apply'],
    ['apply A again', a, 'apply'],
    ['apply B', b, 'apply'],
    ['delete B', b, 'delete'],
  ] as const)('%s: same state as the step runner', async (_label, db, action) => {
    const steps = action === 'apply' ? applySteps(db.model) : deleteSteps(db.model);
    await (action === 'apply' ? apply(viaRunner, db) : drop(viaRunner, db));
    await viaPsql(viaJob, renderPsql(steps, ['test']), jobEnv(db));
    expect(await state(viaJob)).toEqual(await state(viaRunner));
  });

  it('passwords come from the environment, never from the script', async () => {
    const db = resolve({ ...SHOP_A, reclaimPolicy: 'retain' }, 'pw');
    const script = renderPsql(applySteps(db.model), ['test']);
    for (const r of db.model.roles) expect(script).not.toContain(passwordOf(r.name));
    const env = { ...jobEnv(db), PGMETA_PASSWORD_0: "it's a \\ pass:word" };
    await viaPsql(viaJob, script, env);
    expect(await passwordMatches(viaJob, db.model.roles[0]!.name, "it's a \\ pass:word")).toBe(true);
    expect(await passwordMatches(viaJob, db.model.roles[1]!.name, passwordOf(db.model.roles[1]!.name))).toBe(
      true,
    );
    await viaPsql(viaJob, renderPsql(deleteSteps({ ...db.model }), ['test']), env);
  });

  it.each([[`a'b"c;d\\e$$f:g%h`], ['x=y postgresql://h/db'], [':pgmeta_password_0 \\gexec']])(
    'hostile database and role name %j',
    async (name) => {
      const db = resolve(
        {
          clusterRef: { name: 'main' },
          database: { name, owner: name },
          roles: [{ name }],
          reclaimPolicy: 'delete',
        },
        'hostile',
      );
      const roles = await allRoleNames(viaJob);
      await viaPsql(viaJob, renderPsql(applySteps(db.model), ['test']), jobEnv(db));
      expect(await allRoleNames(viaJob)).toContain(name);
      expect(await databaseNames(viaJob)).toContain(name);
      expect(await passwordMatches(viaJob, name, passwordOf(name))).toBe(true);
      await viaPsql(viaJob, renderPsql(deleteSteps(db.model), ['test']), jobEnv(db));
      expect(await allRoleNames(viaJob)).toEqual(roles);
      expect(await databaseNames(viaJob)).not.toContain(name);
    },
  );
});

describePsql('any valid hostile name through a real psql (PostgreSQL 13 server)', () => {
  let server: RealServer;
  let close: () => Promise<void>;
  beforeAll(async () => ({ server, close } = await startTempServer('13')));
  afterAll(async () => close());

  it('creates and drops exactly that database and role', async () => {
    const valid = hostileName.filter((n) => expectedRefusal(n) === undefined);
    await fc.assert(
      fc.asyncProperty(valid, async (name) => {
        const db = resolve(
          {
            clusterRef: { name: 'main' },
            database: { name, owner: name },
            roles: [{ name }],
            reclaimPolicy: 'delete',
          },
          'prop',
        );
        const roles = await allRoleNames(server);
        const databases = await databaseNames(server);
        await viaPsql(server, renderPsql(applySteps(db.model), ['test']), jobEnv(db));
        expect(await allRoleNames(server)).toEqual([...roles, name].sort(byBytes));
        expect(await databaseNames(server)).toEqual([...databases, name].sort(byBytes));
        await viaPsql(server, renderPsql(deleteSteps(db.model), ['test']), jobEnv(db));
        expect(await allRoleNames(server)).toEqual(roles);
        expect(await databaseNames(server)).toEqual(databases);
      }),
      { numRuns: 30 },
    );
  });
});

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
