// Calendar periods (day, month, year) in the site's time zone (Asia/Taipei: UTC+8, no daylight
// saving), so daily and monthly totals follow local calendar days.

export type CalendarPeriod = 'day' | 'month' | 'year';

const offsetCache = new Map<string, number>();

/** The zone's UTC offset in ms at an instant (cached per zone and hour). */
export function utcOffsetMs(timeZone: string, atMs: number): number {
  const key = `${timeZone}@${Math.floor(atMs / 3_600_000)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(atMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000) : 0;
    offsetCache.set(key, offset);
  }
  return offset;
}

/** Start (epoch ms) of the local period containing atMs. */
export function periodStart(period: CalendarPeriod, atMs: number, timeZone: string): number {
  const offset = utcOffsetMs(timeZone, atMs);
  const local = new Date(atMs + offset);
  const y = local.getUTCFullYear();
  const m = period === 'year' ? 0 : local.getUTCMonth();
  const d = period === 'day' ? local.getUTCDate() : 1;
  const startLocal = Date.UTC(y, m, d);
  return startLocal - utcOffsetMs(timeZone, startLocal - offset);
}

/** Start of the next local period after the one starting at startMs. */
export function nextPeriodStart(period: CalendarPeriod, startMs: number, timeZone: string): number {
  const offset = utcOffsetMs(timeZone, startMs);
  const local = new Date(startMs + offset);
  const y = local.getUTCFullYear() + (period === 'year' ? 1 : 0);
  const m = local.getUTCMonth() + (period === 'month' ? 1 : 0);
  const d = local.getUTCDate() + (period === 'day' ? 1 : 0);
  const nextLocal = Date.UTC(y, m, d);
  return nextLocal - utcOffsetMs(timeZone, nextLocal - offset);
}

/** Local label of a period: 2021-05-10, 2021-05 or 2021. */
export function periodLabel(period: CalendarPeriod, startMs: number, timeZone: string): string {
  const iso = new Date(startMs + utcOffsetMs(timeZone, startMs)).toISOString();
  return period === 'day' ? iso.slice(0, 10) : period === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

/** Consecutive local periods covering [fromMs, toMs). */
export function periodsBetween(period: CalendarPeriod, fromMs: number, toMs: number, timeZone: string): Array<{ startMs: number; endMs: number; label: string }> {
  const periods: Array<{ startMs: number; endMs: number; label: string }> = [];
  for (let start = periodStart(period, fromMs, timeZone); start < toMs; ) {
    const end = nextPeriodStart(period, start, timeZone);
    periods.push({ startMs: start, endMs: end, label: periodLabel(period, start, timeZone) });
    start = end;
  }
  return periods;
}
