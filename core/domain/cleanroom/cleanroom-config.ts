// What the cleanroom engine needs of the site, resolved once per configuration: ISO 14644-1 class limits,
// alert/action levels and detection rules for every counter, and how alarm ids are made.
import type { SizeChannel } from '../readings.ts';
import { classLimitsByChannel } from './iso14644.ts';
import { levelsFor, rulesFor, type DetectionRules, type LevelledRoom, type LevelsByChannel } from './levels.ts';

export interface CleanroomSite {
  readonly rooms: readonly (LevelledRoom & { readonly counters: readonly { readonly id: string; readonly sampleIntervalSeconds: number }[] })[];
}

export interface CounterSetup {
  readonly roomId: string;
  readonly counterId: string;
  readonly levels: LevelsByChannel;
  readonly rules: DetectionRules;
  readonly staleAfterMs: number;
}

export interface RoomSetup {
  readonly roomId: string;
  readonly isoClass: number;
  readonly classLimits: Readonly<Record<SizeChannel, number | null>>;
  readonly counterIds: readonly string[];
}

/** Deterministic, so a replay after a restore names alarms exactly as the first run did. */
export type AlarmIdFactory = (key: string, raisedAtMs: number) => string;

export const defaultAlarmId: AlarmIdFactory = (key, raisedAtMs) => `${key}@${raisedAtMs}`;

export interface CleanroomConfig {
  readonly rooms: Readonly<Record<string, RoomSetup>>;
  /** By counter key `room/counter`. */
  readonly counters: Readonly<Record<string, CounterSetup>>;
  readonly alarmId: AlarmIdFactory;
}

export interface CleanroomConfigOptions {
  readonly alarmId?: AlarmIdFactory;
}

export function counterKey(roomId: string, counterId: string): string {
  return `${roomId}/${counterId}`;
}

export function cleanroomConfig(site: CleanroomSite, options: CleanroomConfigOptions = {}): CleanroomConfig {
  const rooms: Record<string, RoomSetup> = {};
  const counters: Record<string, CounterSetup> = {};
  for (const room of site.rooms) {
    rooms[room.id] = { roomId: room.id, isoClass: room.isoClass, classLimits: classLimitsByChannel(room.isoClass), counterIds: room.counters.map((c) => c.id) };
    for (const counter of room.counters) {
      const { staleAfterIntervals, ...rules } = rulesFor(room, counter.id);
      counters[counterKey(room.id, counter.id)] = {
        roomId: room.id,
        counterId: counter.id,
        levels: levelsFor(room, counter.id),
        rules,
        staleAfterMs: staleAfterIntervals * counter.sampleIntervalSeconds * 1000,
      };
    }
  }
  return { rooms, counters, alarmId: options.alarmId ?? defaultAlarmId };
}
