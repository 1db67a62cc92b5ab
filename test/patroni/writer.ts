/**
 * A client that inserts numbered rows into the current leader without pause and remembers which
 * inserts were acknowledged (COMMIT returned). With synchronous replication every acknowledged row
 * must survive any single failure: that is what the failover scenario checks.
 */
import type { Client } from 'pg';
import { sleep } from './wait.js';

export const WRITES_TABLE = 'rig_writes';

export interface Ack {
  id: number;
  /** The member that acknowledged it. */
  member: string;
  /** performance.now() when the commit was acknowledged. */
  at: number;
}

export interface Writer {
  acked: Ack[];
  /** Inserts that failed (connection lost, read-only server, timeout): their outcome is unknown. */
  failures: number;
  /** The first acknowledgement by `member`, if any yet. */
  firstAckBy(member: string): Ack | undefined;
  stop(): Promise<void>;
}

/**
 * Starts writing. `connectToLeader` finds the current leader and connects to it; it is called again
 * after every failure, so the writer follows a failover by itself.
 */
export function startWriter(connectToLeader: () => Promise<{ client: Client; member: string }>): Writer {
  const acked: Ack[] = [];
  let failures = 0;
  const state = { stopped: false };
  const loop = (async () => {
    let leader: { client: Client; member: string } | undefined;
    // An id whose insert failed is never reused: it may or may not have been committed.
    for (let id = 1; !state.stopped; id++) {
      try {
        leader ??= await connectToLeader();
        await leader.client.query(`INSERT INTO ${WRITES_TABLE} (id) VALUES ($1)`, [id]);
        acked.push({ id, member: leader.member, at: performance.now() });
      } catch {
        failures++;
        await leader?.client.end().catch(() => undefined);
        leader = undefined;
        await sleep(100);
      }
    }
    await leader?.client.end().catch(() => undefined);
  })();
  return {
    acked,
    get failures() {
      return failures;
    },
    firstAckBy: (member) => acked.find((a) => a.member === member),
    stop: async () => {
      state.stopped = true;
      await loop;
    },
  };
}
