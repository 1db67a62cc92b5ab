/**
 * Validation of `spec.standby`: the TypeScript mirrors of its CEL rules (keyed by the rules' exact
 * text, as in the CRD) and the check CEL cannot make because it does not see the UID: a standby's own
 * archive must not overlap the source archive it replays. Once promoted, a standby writes a new
 * timeline; in the source's archive that would mix two clusters' WAL and history files, and the
 * source (or a restore of it) could replay the standby's timeline.
 */
import type { FieldError } from '../../lib/field-errors.js';
import { archivesOverlap, resolveBackup } from '../backup/resolve.js';
import type { BackupSpec } from '../backup/types.js';
import type { ClusterIdentity } from '../spec/resolved.js';
import type { Mirror } from '../spec/validate.js';
import { resolveStandby } from './resolve.js';
import type { StandbySpec } from './types.js';

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: unknown, key: string): boolean => isObj(o) && o[key] !== undefined;

/** The CEL rules of spec.standby, by name; the CRD holds exactly these texts. */
export const STANDBY_RULES = {
  source: 'has(self.host) || has(self.archive)',
  notRestore: '!has(self.standby) || !has(self.restore)',
  onlyAtCreation: '!has(self.standby) || has(oldSelf.standby)',
} as const;

/** Mirrors of {@link STANDBY_RULES}; total like every mirror (wrong types pass, the schema reports them). */
export const STANDBY_MIRRORS: Readonly<Record<string, Mirror>> = {
  [STANDBY_RULES.source]: (self) => !isObj(self) || has(self, 'host') || has(self, 'archive'),
  [STANDBY_RULES.notRestore]: (self) => !has(self, 'standby') || !has(self, 'restore'),
  [STANDBY_RULES.onlyAtCreation]: (self, oldSelf) => !has(self, 'standby') || has(oldSelf, 'standby'),
};

/**
 * The archive-overlap check on a spec that passed the schema and the CEL mirrors (the caller runs it
 * only then, so the shapes are those of the CRD).
 */
export function standbyErrors(id: ClusterIdentity, spec: unknown): FieldError[] {
  if (!isObj(spec) || !isObj(spec['backup']) || !isObj(spec['standby'])) return [];
  const version = typeof spec['version'] === 'string' ? spec['version'] : '';
  try {
    const live = resolveBackup(id, spec['backup'] as unknown as BackupSpec, version);
    const source = resolveStandby(id, spec['standby'] as unknown as StandbySpec, version).archive;
    if (!source || !archivesOverlap(live, source)) return [];
    return [
      {
        path: 'spec.backup.path',
        message: `the cluster's archive ${live.prefix} would overlap the archive it follows, ${source.prefix}: after a promotion both clusters would write into it; choose another backup.path or bucket`,
      },
    ];
  } catch {
    return []; // an incomplete backup or standby: the schema reports what is missing
  }
}
