import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('hooks/postgresdatabase/generated', () => {
  it('is up to date with the CRD (npx tsx scripts/gen-schema-pgdb.ts --check)', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    expect(() =>
      execFileSync('npx', ['tsx', 'scripts/gen-schema-pgdb.ts', '--check'], { cwd: root, stdio: 'pipe' }),
    ).not.toThrow();
  });
});
