// Splits a time window into pieces answered by daily rollups, hourly rollups and raw readings, so a
// ten-year total reads a few thousand rollups and only its ragged edges read raw points. Every piece
// uses the same floored-share maths, so the pieces add up exactly to the window.
import { HOUR_MS } from './rollup.ts';
import { nextPeriodStart, periodStart } from './local-calendar.ts';

export type PieceSource = 'day' | 'hour' | 'raw';

export interface WindowPiece {
  readonly source: PieceSource;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RollupWatermarks {
  /** End of the last complete daily rollup (exclusive), or undefined when there is none. */
  readonly daysUntilMs?: number;
  /** End of the last complete hourly rollup (exclusive). */
  readonly hoursUntilMs?: number;
}

const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;
const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

export function planWindow(fromMs: number, toMs: number, watermarks: RollupWatermarks, timeZone: string): WindowPiece[] {
  const pieces: WindowPiece[] = [];
  const push = (source: PieceSource, from: number, to: number) => {
    if (to > from) pieces.push({ source, fromMs: from, toMs: to });
  };
  const hoursEnd = Math.min(floorHour(toMs), watermarks.hoursUntilMs ?? -Infinity);
  const hoursStart = ceilHour(fromMs);
  if (hoursEnd <= hoursStart) {
    push('raw', fromMs, toMs);
    return pieces;
  }
  const firstDay = periodStart('day', hoursStart, timeZone) === hoursStart ? hoursStart : nextPeriodStart('day', periodStart('day', hoursStart, timeZone), timeZone);
  const daysEnd = Math.min(periodStart('day', hoursEnd, timeZone), watermarks.daysUntilMs ?? -Infinity);
  push('raw', fromMs, hoursStart);
  if (daysEnd > firstDay) {
    push('hour', hoursStart, firstDay);
    push('day', firstDay, daysEnd);
    push('hour', daysEnd, hoursEnd);
  } else {
    push('hour', hoursStart, hoursEnd);
  }
  push('raw', hoursEnd, toMs);
  return pieces;
}
