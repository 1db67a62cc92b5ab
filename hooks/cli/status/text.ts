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
  const flags = `${piece(v.paused, () => paint('yellow', '  PAUSED'))}${piece(v.stopped, () => paint('yellow', '  STOPPED'))}`;
  const lines = [
    `${paint('bold', `${v.namespace}/${v.name}`)}  ${tone(paint, v.phase)}${piece(v.reason, (r) => ` (${r})`)}${flags}`,
  ];
  if (v.message) lines.push(`  ${v.message}`);
  const { requested, running, image } = v.version;
  const differs = requested !== undefined && running !== undefined && requested !== running;
  const shown = differs ? paint('yellow', running) : (running ?? 'not yet known');
  lines.push(
    `  version: ${requested ?? '?'} requested, ${shown} running${piece(image, (i) => `  image ${i}`)}`,
  );
  lines.push(
    `  primary: ${v.primary ?? paint('red', 'none')}   ready: ${v.replicas.ready}/${v.replicas.desired}`,
  );
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
  return [
    '',
    paint('red', 'Spec errors (children keep the last valid spec):'),
    ...v.specErrors.map((e) => `  ${e.path}: ${e.message}`),
  ];
}

function operations(v: StatusView, paint: Paint): string[] {
  if (v.operations.length === 0) return [];
  const rows = v.operations
    .slice(0, 8)
    .map((o) => [
      o.kind === 'Job' ? (o.operation ?? 'job') : o.kind,
      o.name,
      tone(paint, o.state),
      o.message ?? '',
    ]);
  return ['', 'Operations:', ...table(['OPERATION', 'NAME', 'STATE', 'MESSAGE'], rows)];
}

/** `f(v)` when there is a value, else nothing: keeps optional parts of a line flat. */
function piece<T>(v: T | undefined | false, f: (v: T) => string): string {
  return v === undefined || v === false || v === '' ? '' : f(v);
}

function backupLines(b: StatusView['backups'], paint: Paint): string[] {
  const configured = b.configured ? paint('green', 'yes') : paint('red', 'no');
  const lines = [
    `  configured: ${configured}${piece(!b.configured && b.configuredMessage, (m) => ` (${m})`)}` +
      `${piece(b.path, (x) => `   path ${x}`)}${piece(b.schedule, (x) => `   schedule ${x}`)}` +
      piece(b.retention, (x) => `   keep ${x}`),
  ];
  const a = b.archiving;
  if (a)
    lines.push(
      `  archiving: ${tone(paint, a.status)}${piece(a.reason, (x) => ` (${x})`)}${piece(a.message, (x) => `: ${x}`)}`,
    );
  if (b.recoveryWindowFrom) lines.push(`  recovery window: from ${b.recoveryWindowFrom} to now`);
  for (const r of b.recent)
    lines.push(
      `  ${r.name}  ${tone(paint, r.phase)}${piece(r.backupName, (x) => `  ${x}`)}` +
        `${piece(r.completedAt, (x) => `  ${x}`)}${piece(r.message, (x) => `  ${x}`)}`,
    );
  return lines;
}

function backups(v: StatusView, paint: Paint): string[] {
  const b = v.backups;
  if (!b.configured && !b.configuredMessage && b.recent.length === 0)
    return ['', 'Backups: not configured (spec.backup)'];
  return ['', 'Backups:', ...backupLines(b, paint)];
}

/** `{mode: X, readWrite: {host: h}}` as `mode X, readWrite.host h`. */
function flat(value: unknown, prefix = ''): string {
  if (typeof value !== 'object' || value === null)
    return `${prefix}${prefix ? ' ' : ''}${typeof value === 'string' ? value : JSON.stringify(value)}`;
  return Object.entries(value)
    .map(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k))
    .join(', ');
}

function extras(v: StatusView): string[] {
  const lines: string[] = [];
  if (v.pooler) lines.push('', `Pooler: ${flat(v.pooler)}`);
  if (v.tls) lines.push('', `TLS: ${flat(v.tls)}`);
  if (v.transitions.length > 0)
    lines.push('', 'Recent transitions:', ...v.transitions.map((t) => `  ${t.at}  ${t.what}`));
  return lines;
}

export function statusText(v: StatusView, paint: Paint): string {
  return [
    ...header(v, paint),
    ...members(v, paint),
    ...endpoints(v),
    ...specErrors(v, paint),
    ...operations(v, paint),
    ...backups(v, paint),
    ...extras(v),
  ].join('\n');
}
