/**
 * PostgresBackup lifecycle goldens: each case's request.yaml through the real hook must give exactly
 * response.yaml (`UPDATE_GOLDEN=1` rewrites both; review the YAML diff).
 */
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresBackupController } from '../../../hooks/postgresbackup/controller';
import { backupRequest } from '../../support/backup-world';
import { CTX } from '../../support/cluster-world';
import { describeGoldens } from '../../support/golden';
import { CASES } from './cases';

describeGoldens({
  dir: __dirname,
  cases: CASES,
  request: backupRequest,
  answer: (body) => runHook({ def: postgresBackupController, hook: 'sync', body, ctx: CTX }),
});
