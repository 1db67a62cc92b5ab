/**
 * A real PostgreSQL set up as a cluster member with the rendered configuration: the superuser's
 * password from its rendered Secret and pgmeta's rendered pg_hba (so every TCP login needs SCRAM, and
 * TLS when the cluster requires it), plus the TLS settings a test gives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../hooks/lib/k8s';
import { initdb, type Major, startServer, type RealServer } from '../support/pgbin';
import { query, renderedHba, secretValue } from './rendered';

export async function startMember(
  children: readonly KubeObject[],
  o: { major: Major; base: string; settings: Record<string, string> },
): Promise<RealServer> {
  const dataDir = join(o.base, 'data');
  await initdb(o.major, dataDir);
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');
  const pg = await startServer(o.major, {
    dataDir,
    settings: { password_encryption: 'scram-sha-256', ...o.settings },
  });
  const password = secretValue(children, 'orders-superuser', 'password');
  const admin = await pg.connect();
  await admin.query(`ALTER ROLE postgres PASSWORD '${password.replace(/'/g, "''")}'`);
  writeFileSync(join(dataDir, 'pg_hba.conf'), `${renderedHba(children).join('\n')}\n`);
  await query(admin, 'SELECT pg_reload_conf()');
  return pg;
}
