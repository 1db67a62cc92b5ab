/**
 * PostgresRestoreDrill goldens: each case's request.yaml through the real hook must give exactly
 * response.yaml (`UPDATE_GOLDEN=1` rewrites both; review the YAML diff).
 */
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresRestoreDrillController } from '../../../hooks/postgresrestoredrill/controller';
import { CTX } from '../../support/cluster-world';
import { drillRequest } from '../../support/drill-world';
import { describeGoldens } from '../../support/golden';
import { CASES } from './cases';

describeGoldens({
  dir: __dirname,
  cases: CASES,
  request: drillRequest,
  answer: (body) => runHook({ def: postgresRestoreDrillController, hook: 'sync', body, ctx: CTX }),
});
