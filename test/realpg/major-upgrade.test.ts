/**
 * The documented major-upgrade procedure (docs/day2.md "Major version upgrade"), on real servers: pgmeta
 * refuses to raise `version` in place, so the data moves to a new cluster of the new major by logical
 * replication, with writes going on until the switch. Old server PostgreSQL 13 (`wal_level=logical`,
 * which the old cluster gets through `postgresqlParams` and the parameter Job), new server 17; the
 * steps run as the README gives them: schema, publication, subscription, catch-up, sequences, switch.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { initdb, makeTempDir, startServer, type Major, type RealServer } from '../support/pgbin';

const SCHEMA = [
  'CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL, placed timestamptz NOT NULL DEFAULT now())',
  'CREATE INDEX orders_item ON orders (item)',
];

interface Running {
  server: RealServer;
  base: string;
}

async function start(major: Major, settings: Record<string, string>): Promise<Running> {
  const base = makeTempDir(`upgrade${major}`);
  const dataDir = join(base, 'data');
  await initdb(major, dataDir);
  return { server: await startServer(major, { dataDir, settings }), base };
}

async function count(c: Client): Promise<number> {
  const r = await c.query<{ n: string }>('SELECT count(*) AS n FROM orders');
  return Number(r.rows[0]?.n);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('major upgrade by logical replication into a new cluster (13 → 17)', () => {
  let oldPg: Running | undefined;
  let newPg: Running | undefined;
  let oldDb: Client | undefined;
  let newDb: Client | undefined;

  beforeAll(async () => {
    // max_wal_senders and max_replication_slots are DCS-only in Patroni; wal_level too: all three
    // reach the old cluster through the parameter Job (PATCH /config, then restarts).
    oldPg = await start('13', { wal_level: 'logical', max_wal_senders: '10', max_replication_slots: '10' });
    newPg = await start('17', {});
    oldDb = await oldPg.server.connect();
    newDb = await newPg.server.connect();
  }, 120_000);

  afterAll(async () => {
    await oldDb?.end();
    await newDb?.end();
    for (const pg of [newPg, oldPg]) {
      if (!pg) continue;
      await pg.server.stop();
      rmSync(pg.base, { recursive: true, force: true });
    }
  }, 60_000);

  it('moves every row, keeps up with writes until the switch, and continues the sequences', async () => {
    const older = oldDb!;
    const newer = newDb!;
    for (const sql of SCHEMA) await older.query(sql);
    await older.query("INSERT INTO orders (item) SELECT 'before-' || g FROM generate_series(1, 500) g");

    // 1. the schema (pg_dump --schema-only of the old cluster, restored into the new one)
    for (const sql of SCHEMA) await newer.query(sql);
    // 2. a publication on the old primary, a subscription on the new one
    await older.query('CREATE PUBLICATION pgmeta_upgrade FOR ALL TABLES');
    await newer.query(
      `CREATE SUBSCRIPTION pgmeta_upgrade CONNECTION 'host=127.0.0.1 port=${oldPg!.server.port} user=postgres dbname=postgres' PUBLICATION pgmeta_upgrade`,
    );
    // 3. writes go on while the new cluster catches up
    await older.query("INSERT INTO orders (item) SELECT 'during-' || g FROM generate_series(1, 200) g");
    await waitFor('the new cluster to catch up', async () => (await count(newer)) === 700);

    // 4. the switch: stop writes, compare, carry the sequences over (logical replication does not)
    const last = await older.query<{ v: string }>('SELECT last_value AS v FROM orders_id_seq');
    await newer.query('SELECT setval($1, $2)', ['orders_id_seq', last.rows[0]!.v]);
    expect(await count(newer)).toBe(await count(older));
    const digest = "SELECT md5(string_agg(id::text || item, ',' ORDER BY id)) AS d FROM orders";
    expect((await newer.query(digest)).rows).toEqual((await older.query(digest)).rows);
    await newer.query('DROP SUBSCRIPTION pgmeta_upgrade');

    // 5. clients on the new cluster: ids continue after the old ones, nothing collides
    const next = await newer.query<{ id: string }>("INSERT INTO orders (item) VALUES ('after') RETURNING id");
    expect(Number(next.rows[0]!.id)).toBe(701);
    expect(
      (await newer.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0]!
        .server_version_num,
    ).toMatch(/^17/);
  }, 60_000);
});
