/**
 * The status screen as text: the story first (phase and why), then members, endpoints, spec
 * errors, operations, backups, pooler and TLS, and the recent transitions. Colour marks good
 * (green), in-between (yellow) and bad (red) when the caller allows it (io.ts `useColour`).
 */
import type { Colour } from '../io.js';
import { table } from './table.js';
import type { StatusView } from './model.js';

type Paint = (c: Colour, text: string) => string;

const GOOD = new Set(['Running', 'Succeeded', 'True', 'streaming', 'running']);
const BAD = new Set(['Failed', 'Degraded', 'False', 'stopped', 'start failed', 'crashed']);

function tone(paint: Paint, text: string): string {
  return GOOD.has(text) ? paint('green', text) : BAD.has(text) ? paint('red', text) : paint('yellow', text);
}

function header(v: StatusView, paint: Paint): string[] {
  const lines = [
    `${paint('bold', `${v.namespace}/${v.name}`)}  ${tone(paint, v.phase)}${v.reason ? ` (${v.reason})` : ''}${v.paused ? paint('yellow', '  PAUSED') : ''}${v.stopped ? paint('yellow', '  STOPPED') : ''}`,
  ];
  if (v.message) lines.push(`  ${v.message}`);
  const running = v.version.running ?? 'not yet known';
  const differs = v.version.requested !== undefined && v.version.running !== undefined && v.version.requested !== v.version.running;
  lines.push(`  version: ${v.version.requested ?? '?'} requested, ${differs ? paint('yellow', running) : running} running${v.version.image ? `  image ${v.version.image}` : ''}`);
  lines.push(`  primary: ${v.primary ?? paint('red', 'none')}   ready: ${v.replicas.ready}/${v.replicas.desired}`);
  return lines;
}

function members(v: StatusView, paint: Paint): string[] {
  if (v.members.length === 0) return ['', 'Members: none'];
  const rows = v.members.map((m) => [
    m.name,
    m.role,
    tone(paint, m.state),
    m.ready ? paint('green', 'yes') : paint('red', 'no'),
    m.timeline === undefined ? '-' : String(m.timeline),
    m.lagBytes === undefined ? '-' : lag(m.lagBytes),
    m.node ?? '-',
    m.pendingRestart ? 'pending restart' : '',
  ]);
  return ['', 'Members:', ...table(['NAME', 'ROLE', 'STATE', 'READY', 'TL', 'LAG', 'NODE', ''], rows)];
}

function lag(bytes: number): string {
  if (bytes === 0) return '0';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let n = bytes;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `≥${Math.floor(n)} ${units[i] ?? 'B'}`;
}

function endpoints(v: StatusView): string[] {
  const e = v.endpoints;
  if (!e.readWrite) return [];
  return [
    '',
    'Endpoints:',
    `  read-write ${e.readWrite}   read-only ${e.readOnly ?? '-'}   database ${e.database ?? '-'}`,
    ...(e.secrets ? [`  secrets: ${e.secrets.app} (application), ${e.secrets.superuser} (superuser)`] : []),
  ];
}

function specErrors(v: StatusView, paint: Paint): string[] {
  if (v.specErrors.length === 0) return [];
  return ['', paint('red', 'Spec errors (children keep the last valid spec):'), ...v.specErrors.map((e) => `  ${e.path}: ${e.message}`)];
}

function operations(v: StatusView, paint: Paint): string[] {
  if (v.operations.length === 0) return [];
  const rows = v.operations.slice(0, 8).map((o) => [o.kind === 'Job' ? (o.operation ?? 'job') : o.kind, o.name, tone(paint, o.state), o.message ?? '']);
  return ['', 'Operations:', ...table(['OPERATION', 'NAME', 'STATE', 'MESSAGE'], rows)];
}

function backups(v: StatusView, paint: Paint): string[] {
  const b = v.backups;
  if (!b.configured && !b.configuredMessage && b.recent.length === 0) return ['', 'Backups: not configured (spec.backup)'];
  const lines = ['', 'Backups:'];
  lines.push(`  configured: ${b.configured ? paint('green', 'yes') : paint('red', 'no')}${b.configuredMessage && !b.configured ? ` (${b.configuredMessage})` : ''}${b.path ? `   path ${b.path}` : ''}${b.schedule ? `   schedule ${b.schedule}` : ''}${b.retention !== undefined ? `   keep ${b.retention}` : ''}`);
  if (b.archiving) lines.push(`  archiving: ${tone(paint, b.archiving.status)}${b.archiving.reason ? ` (${b.archiving.reason})` : ''}${b.archiving.message ? `: ${b.archiving.message}` : ''}`);
  if (b.recoveryWindowFrom) lines.push(`  recovery window: from ${b.recoveryWindowFrom} to now`);
  for (const r of b.recent) lines.push(`  ${r.name}  ${tone(paint, r.phase)}${r.backupName ? `  ${r.backupName}` : ''}${r.completedAt ? `  ${r.completedAt}` : ''}${r.message ? `  ${r.message}` : ''}`);
  return lines;
}

/** `{mode: X, readWrite: {host: h}}` as `mode X, readWrite.host h`. */
function flat(value: unknown, prefix = ''): string {
  if (typeof value !== 'object' || value === null) return `${prefix}${prefix ? ' ' : ''}${String(value as string)}`;
  return Object.entries(value)
    .map(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k))
    .join(', ');
}

function extras(v: StatusView): string[] {
  const lines: string[] = [];
  if (v.pooler) lines.push('', `Pooler: ${flat(v.pooler)}`);
  if (v.tls) lines.push('', `TLS: ${flat(v.tls)}`);
  if (v.transitions.length > 0) lines.push('', 'Recent transitions:', ...v.transitions.map((t) => `  ${t.at}  ${t.what}`));
  return lines;
}

export function statusText(v: StatusView, paint: Paint): string {
  return [...header(v, paint), ...members(v, paint), ...endpoints(v), ...specErrors(v, paint), ...operations(v, paint), ...backups(v, paint), ...extras(v)].join('\n');
}
