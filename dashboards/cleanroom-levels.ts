// Alert and action levels of every room and size channel, resolved from the site configuration at
// generation time (core/domain/cleanroom/levels.ts) and grouped so counters sharing a level share a line.
import { levelsFor } from '../core/domain/cleanroom/levels.ts';
import type { SizeChannel } from '../core/domain/readings.ts';
import type { RoomConfig, SiteConfig } from '../core/domain/site/site-schema.ts';

export type LevelName = 'alert' | 'action';

/** One level of one channel that applies to these counters of a room. */
export interface LevelGroup {
  readonly roomId: string;
  readonly isoClass: number;
  /** Every counter of the room has this level: the query needs no counter filter. */
  readonly allCounters: boolean;
  readonly counterIds: readonly string[];
  readonly level: LevelName;
  readonly perM3: number;
}

/** The levels of `channel` across the site, one group per room, level and distinct value. */
export function levelGroups(site: SiteConfig, channel: SizeChannel, level?: LevelName): LevelGroup[] {
  return site.rooms.flatMap((room) => (level === undefined ? (['alert', 'action'] as const) : [level]).flatMap((name) => roomGroups(room, channel, name)));
}

function roomGroups(room: RoomConfig, channel: SizeChannel, level: LevelName): LevelGroup[] {
  const byValue = new Map<number, string[]>();
  for (const counter of room.counters) {
    const levels = levelsFor(room, counter.id)[channel];
    const perM3 = level === 'alert' ? levels.alertPerM3 : levels.actionPerM3;
    if (perM3 === undefined) continue;
    byValue.set(perM3, [...(byValue.get(perM3) ?? []), counter.id]);
  }
  return [...byValue].map(([perM3, counterIds]) => ({
    roomId: room.id,
    isoClass: room.isoClass,
    allCounters: counterIds.length === room.counters.length,
    counterIds,
    level,
    perM3,
  }));
}

/** "mask-line alert" or, for a subset of counters, "mask-line pms-01,pms-02 alert". */
export function levelLabel(group: LevelGroup): string {
  return group.allCounters ? `${group.roomId} ${group.level}` : `${group.roomId} ${group.counterIds.join(',')} ${group.level}`;
}

/** 2464000 → "2,464,000": levels are read off a wall chart, not a calculator. */
export function formatPerM3(perM3: number): string {
  return `${perM3.toLocaleString('en-US')}/m³`;
}

/** An anchored RE2 alternation of literal ids. */
export function literalAlternation(ids: readonly string[]): string {
  return `/^(${ids.map((id) => id.replace(/[\\^$.*+?()[\]{}|/]/g, (c) => `\\${c}`)).join('|')})$/`;
}
