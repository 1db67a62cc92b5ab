/**
 * When a cron schedule fires next, as the cron of the Spilo image reads `BACKUP_SCHEDULE` (Spilo's
 * configure_spilo.py `write_crontab` writes it verbatim into the crontab; the image's clock is UTC).
 *
 * Pure: the caller gives the instant to count from (an observed time, never the hook's clock), so
 * "the next scheduled base backup" is a function of the schedule and what was observed. Fields follow
 * crontab(5): values, ranges, lists, steps, month and weekday names, 0 and 7 both Sunday, and the
 * Vixie rule that when both day of month and day of week are restricted, either one matching is
 * enough. The accepted syntax is the CRD's (validate.ts `CRON_PATTERN`).
 */

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const NAMES: Readonly<Record<string, number>> = Object.fromEntries([
  ...['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [
    m,
    i + 1,
  ]),
  ...['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]),
]) as Record<string, number>;

interface Field {
  values: Set<number>;
  /** The field was `*` (or `*` with a step): matters for the day-of-month/day-of-week rule. */
  star: boolean;
}

const num = (s: string): number => NAMES[s.toLowerCase()] ?? Number(s);

function parseField(text: string, min: number, max: number): Field {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [lo, hi] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? (range.split('-').map(num) as [number, number])
          : [num(range), stepText === undefined ? num(range) : max];
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star: text.startsWith('*') };
}

export interface CronSchedule {
  minute: Field;
  hour: Field;
  day: Field;
  month: Field;
  weekday: Field;
}

/** The schedule's fields, or undefined for text that is not a schedule of the accepted syntax. */
export function parseCron(text: string): CronSchedule | undefined {
  const parts = (MACROS[text.trim()] ?? text).trim().split(/ +/);
  if (parts.length !== 5) return undefined;
  const [mi = '', h = '', d = '', mo = '', w = ''] = parts;
  const weekday = parseField(w, 0, 7);
  if (weekday.values.has(7)) weekday.values.add(0);
  const schedule = {
    minute: parseField(mi, 0, 59),
    hour: parseField(h, 0, 23),
    day: parseField(d, 1, 31),
    month: parseField(mo, 1, 12),
    weekday,
  };
  const fields = Object.values<Field>(schedule);
  return fields.every((f) => f.values.size > 0 && [...f.values].every(Number.isInteger))
    ? schedule
    : undefined;
}

function dayMatches(s: CronSchedule, date: Date): boolean {
  const day = s.day.values.has(date.getUTCDate());
  const weekday = s.weekday.values.has(date.getUTCDay());
  if (s.day.star || s.weekday.star) return (s.day.star || day) && (s.weekday.star || weekday);
  return day || weekday;
}

/** Enough days to meet any schedule that can fire at all (29 February of a leap year, with a weekday). */
const MAX_DAYS = 366 * 8;

/**
 * The first minute strictly after `after` (RFC 3339) at which the schedule fires, as RFC 3339 UTC
 * without fractions; undefined when the text is no schedule or never fires (`0 0 31 2 *`).
 */
export function nextRun(schedule: string, after: string): string | undefined {
  const s = parseCron(schedule);
  const start = Date.parse(after);
  if (!s || Number.isNaN(start)) return undefined;
  const t = new Date(Math.floor(start / 60_000) * 60_000 + 60_000);
  for (let days = 0; days <= MAX_DAYS;) {
    if (!s.month.values.has(t.getUTCMonth() + 1) || !dayMatches(s, t)) {
      t.setUTCHours(0, 0, 0, 0);
      t.setUTCDate(t.getUTCDate() + 1);
      days += 1;
      continue;
    }
    if (s.hour.values.has(t.getUTCHours()) && s.minute.values.has(t.getUTCMinutes()))
      return t.toISOString().replace('.000Z', 'Z');
    t.setUTCMinutes(t.getUTCMinutes() + 1);
    if (t.getUTCHours() === 0 && t.getUTCMinutes() === 0) days += 1;
  }
  return undefined;
}
