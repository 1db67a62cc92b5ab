/**
 * Whole-sync goldens of clusters with PgBouncer poolers: each case's request.yaml through the real
 * hook must give exactly response.yaml (`UPDATE_GOLDEN=1 npx jest test/golden` rewrites them).
 */
import { describeGoldens } from '../../support/golden';
import { clusterHook, request } from '../../support/cluster-world';
import { CASES } from './cases';

describeGoldens({ dir: __dirname, cases: CASES, request, answer: clusterHook });
