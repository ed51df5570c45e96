// Cleanroom fixtures: an ISO 8 room like the K14 mask line, samples given directly as concentrations,
// a fake clock, and a deep freeze to prove the reducers never mutate their input.
import type { ParticleSample, SizeChannel } from '../../../core/domain/readings.ts';
import { cleanroomConfig, type CleanroomConfig, type CleanroomConfigOptions, type CleanroomSite } from '../../../core/domain/cleanroom/cleanroom-config.ts';
import { roomLevelsSchema, type RoomLevelsInput } from '../../../core/domain/cleanroom/levels.ts';

/** 2021-05-10T00:00:00Z */
export const T0 = Date.UTC(2021, 4, 10);
export const MINUTE_MS = 60_000;

/** ISO 8 at ≥0.5 µm: class limit 3 520 000/m³, default alert 70 % = 2 464 000, clear band below 0.9×. */
export const ISO8 = { limit05: 3_520_000, alert05: 2_464_000, limit50: 29_300, alert50: 20_510 } as const;

type Room = CleanroomSite['rooms'][number];

export function aRoom(overrides: { id?: string; isoClass?: number; counterIds?: readonly string[]; levels?: RoomLevelsInput } = {}): Room {
  const counterIds = overrides.counterIds ?? ['pms-01', 'pms-02'];
  return {
    id: overrides.id ?? 'mask-line',
    isoClass: overrides.isoClass ?? 8,
    counters: counterIds.map((id) => ({ id, sampleIntervalSeconds: 60 })),
    ...(overrides.levels !== undefined && { levels: roomLevelsSchema.parse(overrides.levels) }),
  };
}

export function aConfig(rooms: readonly Room[] = [aRoom()], options: CleanroomConfigOptions = {}): CleanroomConfig {
  return cleanroomConfig({ rooms }, options);
}

/**
 * A sample whose concentrations are exactly the given particles/m³: 1 000 L sampled makes
 * count = concentration, so tests read in the unit the levels are in.
 */
export function aSample(tsMs: number, perM3: Partial<Record<SizeChannel, number>>, ids: { roomId?: string; counterId?: string } = {}): ParticleSample {
  return { kind: 'particle', roomId: ids.roomId ?? 'mask-line', counterId: ids.counterId ?? 'pms-01', tsMs, volumeLitres: 1000, counts: perM3 };
}

/** The 0.5 µm channel only, at `perM3`. */
export const at05 = (tsMs: number, perM3: number, counterId = 'pms-01'): ParticleSample => aSample(tsMs, { '0.5': perM3 }, { counterId });

export interface FakeClock {
  now(): number;
  advance(ms: number): number;
}

export function fakeClock(startMs = T0): FakeClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms) => (nowMs += ms),
  };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
