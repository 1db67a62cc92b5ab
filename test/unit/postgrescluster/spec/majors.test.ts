/**
 * Majors the CRD names but pgmeta does not run yet (hooks/postgrescluster/spec/majors.ts): PostgreSQL
 * 18 needs Spilo's 4.1 line, whose scripts rename what pgmeta sets (zalando/spilo `remove-wale`,
 * postgres-appliance/scripts/configure_spilo.py `get_placeholders`, `write_walg_environment`). The
 * spec is refused with a SpecValid message on spec.version, and a running cluster keeps its children.
 */
import { describe, expect, it } from '@jest/globals';
import { SUPPORTED_MAJORS } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { UNSUPPORTED_MAJORS } from '../../../../hooks/postgrescluster/spec/majors.js';
import { appliedChildren, parentFrom } from '../../../support/cluster-world.js';
import { conditionOf, HA, sync } from '../../../support/day2-world.js';
import { BASE, errorsOf } from './check-spec-support.js';

describe('unsupported majors', () => {
  it('refuses version 18 on spec.version, saying it is not supported yet and why', () => {
    expect(errorsOf({ ...BASE, version: '18' })).toEqual([
      {
        path: 'spec.version',
        message: expect.stringMatching(/^PostgreSQL 18 is not supported yet: .*spilo-18/),
      },
    ]);
  });

  it('refuses 18 with an image override too: the environment pgmeta renders is what differs', () => {
    const errors = errorsOf({ ...BASE, version: '18', image: 'ghcr.io/zalando/spilo-18:4.1-p2' });
    expect(errors.map((e) => e.path)).toEqual(['spec.version']);
  });

  it.each(SUPPORTED_MAJORS.filter((m) => UNSUPPORTED_MAJORS[m] === undefined))('accepts %s', (version) => {
    expect(errorsOf({ ...BASE, version })).toEqual([]);
  });

  it('leaves 13 to 17 supported: only the spilo-18 line is unverified', () => {
    expect(Object.keys(UNSUPPORTED_MAJORS)).toEqual(['18']);
  });

  it('reports SpecValid=False on a new cluster and renders nothing from the refused spec', () => {
    const result = sync({ parent: parentFrom({ ...HA, version: '18' }), children: [], related: [] });
    expect(conditionOf(result.status, 'SpecValid')).toMatchObject({
      status: 'False',
      message: expect.stringContaining('spec.version: PostgreSQL 18 is not supported yet'),
    });
    expect(result.children).toEqual([]);
  });

  it('keeps the children of the last valid spec when a cluster asks for 18', () => {
    const children = appliedChildren(parentFrom({ ...HA, version: '17' }));
    const before = sync({ parent: parentFrom({ ...HA, version: '17' }), children, related: [] });
    const raised = sync({ parent: parentFrom({ ...HA, version: '18' }), children, related: [] });
    expect(raised.children).toEqual(before.children);
    expect(conditionOf(raised.status, 'SpecValid')).toMatchObject({ status: 'False' });
  });
});
