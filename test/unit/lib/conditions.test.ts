import { stampConditions } from '../../../hooks/lib/conditions';

const ready = (status: 'True' | 'False') => ({ type: 'Ready', status, reason: 'R', message: 'm' });

describe('stampConditions', () => {
  it('carries lastTransitionTime over while the status is unchanged (no write per sync)', () => {
    const prev = [{ ...ready('True'), reason: 'Old', lastTransitionTime: '2026-01-01T00:00:00Z' }];
    expect(stampConditions([ready('True')], prev, 'NOW')[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });

  it.each([
    ['the status changed', [{ ...ready('False'), lastTransitionTime: '2026-01-01T00:00:00Z' }]],
    ['the condition is new', []],
    ['the previous status is not a list', { Ready: 'x' }],
    ['the previous time is missing', [{ ...ready('True') }]],
  ])('stamps the request time when %s', (_name, prev) => {
    expect(stampConditions([ready('True')], prev, 'NOW')[0]?.lastTransitionTime).toBe('NOW');
  });

  it('keeps the given order and fields', () => {
    const out = stampConditions(
      [ready('True'), { type: 'SpecValid', status: 'True', reason: 'Valid', message: 'ok' }],
      [],
      'NOW',
    );
    expect(out.map((c) => c.type)).toEqual(['Ready', 'SpecValid']);
    expect(out[1]).toEqual({
      type: 'SpecValid',
      status: 'True',
      reason: 'Valid',
      message: 'ok',
      lastTransitionTime: 'NOW',
    });
  });
});
