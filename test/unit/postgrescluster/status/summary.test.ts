/** The two `kubectl get pgc` fields: the version as it runs (and as requested), and why it needs attention. */
import type { Condition } from '../../../../hooks/lib/k8s';
import { statusSummary } from '../../../../hooks/postgrescluster/status/summary';

const degraded = (status: 'True' | 'False', reason: string): Condition => ({
  type: 'Degraded',
  status,
  reason,
  message: '',
  lastTransitionTime: '2026-12-07T00:00:00Z',
});

describe('statusSummary', () => {
  const none = { conditions: [], specErrors: [] };

  it.each([
    ['17', '17', '17'],
    ['16', '17', '16->17'],
    [undefined, '17', '17'],
    ['16', undefined, '16'],
    ['16', 17, '16'],
  ])('running %s, requested %s: version %s', (running, requested, expected) => {
    expect(statusSummary({ ...none, running, requested }).version).toBe(expected);
  });

  it('has no version when nothing runs and nothing readable is requested', () => {
    expect(statusSummary({ ...none, running: undefined, requested: undefined })).toEqual({});
  });

  it('names the first refused field and counts the others', () => {
    const specErrors = [
      { path: 'spec.postgresqlParams.shared_buffer', message: 'unknown' },
      { path: 'spec.storage.size', message: 'cannot shrink' },
    ];
    expect(statusSummary({ running: '17', requested: '17', conditions: [], specErrors }).reason).toBe(
      'SpecInvalid: spec.postgresqlParams.shared_buffer (+1)',
    );
    expect(
      statusSummary({ ...none, running: '17', requested: '17', specErrors: specErrors.slice(1) }).reason,
    ).toBe('SpecInvalid: spec.storage.size');
  });

  it("gives the Degraded condition's reason when it is true, and nothing when all is well", () => {
    const base = { running: '17', requested: '17', specErrors: [] };
    expect(statusSummary({ ...base, conditions: [degraded('True', 'MemberUnreachable')] }).reason).toBe(
      'MemberUnreachable',
    );
    expect(statusSummary({ ...base, conditions: [degraded('False', 'Healthy')] }).reason).toBeUndefined();
  });

  it('puts the refused spec before a degraded cluster', () => {
    const out = statusSummary({
      running: '17',
      requested: '9',
      conditions: [degraded('True', 'MemberUnreachable')],
      specErrors: [{ path: 'spec.version', message: 'bad' }],
    });
    expect(out).toEqual({ version: '17->9', reason: 'SpecInvalid: spec.version' });
  });
});
