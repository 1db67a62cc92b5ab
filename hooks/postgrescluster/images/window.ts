/** Whether a time falls in a weekly UTC maintenance window (spec.maintenance.window). */
import type { Weekday } from '../spec/resolved.js';

const DAYS: readonly Weekday[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MINUTES = 24 * 60;

/**
 * True when `now` (RFC 3339) is inside a window that opens at `start` (HH:MM, UTC) on one of `days` and
 * stays open `durationMinutes`, including the part of a window that runs past midnight into the next day.
 */
export function inWindow(
  now: string,
  window: { days: readonly Weekday[]; start: string; durationMinutes: number },
): boolean {
  const t = new Date(now);
  if (Number.isNaN(t.getTime())) return false;
  const [h, m] = window.start.split(':').map(Number) as [number, number];
  const opens = h * 60 + m;
  const minute = t.getUTCHours() * 60 + t.getUTCMinutes();
  const today = DAYS[t.getUTCDay()];
  const yesterday = DAYS[(t.getUTCDay() + 6) % 7];
  const end = opens + window.durationMinutes;
  const open = (day: Weekday | undefined) => day !== undefined && window.days.includes(day);
  if (open(today) && minute >= opens && minute < end) return true;
  return end > DAY_MINUTES && open(yesterday) && minute < end - DAY_MINUTES;
}
