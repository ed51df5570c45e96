// Room status for the API: per size channel the worst latest concentration against its levels and the
// ISO 14644-1 class limit, and the room's status from the conditions of its open alarms.
import { SIZE_CHANNELS, type SizeChannel } from '../readings.ts';
import type { AlarmInstance } from './alarm-types.ts';
import { counterKey, type CleanroomConfig, type RoomSetup } from './cleanroom-config.ts';
import type { CleanroomEngineState } from './cleanroom-engine.ts';

/**
 * Worst first: an action excursion (evidence of dirty air) outranks a stale counter (missing evidence),
 * which outranks an alert (an early warning), because stale alarms carry action severity.
 */
export const ROOM_STATUS_LEVELS = ['normal', 'alert', 'stale', 'action'] as const;
export type RoomStatusLevel = (typeof ROOM_STATUS_LEVELS)[number];
export type ChannelStatusLevel = 'normal' | 'alert' | 'action';

export interface ChannelStatus {
  readonly channel: SizeChannel;
  readonly classLimitPerM3: number | null;
  /** The highest latest concentration among the room's counters, particles/m³. */
  readonly worstPerM3: number | null;
  readonly worstCounterId: string | null;
  readonly worstAtMs: number | null;
  /** The levels of the counter with the worst concentration (overrides can differ per counter). */
  readonly alertPerM3: number | null;
  readonly actionPerM3: number | null;
  /** From the active excursions on this channel, after delay and hysteresis, not from one raw value. */
  readonly status: ChannelStatusLevel;
}

export interface RoomStatus {
  readonly roomId: string;
  readonly isoClass: number;
  /** From the condition, shelved or not: shelving silences annunciation, not the truth. */
  readonly status: RoomStatusLevel;
  readonly channels: readonly ChannelStatus[];
  readonly staleCounterIds: readonly string[];
  readonly openAlarms: number;
  readonly unacknowledgedAlarms: number;
  readonly shelvedAlarms: number;
}

export function roomStatuses(state: CleanroomEngineState, config: CleanroomConfig): RoomStatus[] {
  return Object.values(config.rooms).map((room) => statusOf(state, config, room));
}

export function roomStatus(state: CleanroomEngineState, config: CleanroomConfig, roomId: string): RoomStatus | null {
  const room = config.rooms[roomId];
  return room === undefined ? null : statusOf(state, config, room);
}

function statusOf(state: CleanroomEngineState, config: CleanroomConfig, room: RoomSetup): RoomStatus {
  const alarms = Object.values(state.alarms).filter((alarm) => alarm.roomId === room.roomId);
  const active = alarms.filter((alarm) => alarm.conditionActive);
  const channels = SIZE_CHANNELS.map((channel) => channelStatus(state, config, room, channel, active));
  const staleCounterIds = active.filter((alarm) => alarm.kind === 'stale').map((alarm) => alarm.counterId);
  const levels: RoomStatusLevel[] = [...channels.map((c) => c.status), ...(staleCounterIds.length > 0 ? ['stale' as const] : [])];
  return {
    roomId: room.roomId,
    isoClass: room.isoClass,
    status: worst(levels),
    channels,
    staleCounterIds,
    openAlarms: alarms.length,
    unacknowledgedAlarms: alarms.filter((a) => a.state === 'active-unacknowledged' || a.state === 'cleared-unacknowledged').length,
    shelvedAlarms: alarms.filter((a) => a.state === 'shelved').length,
  };
}

function channelStatus(state: CleanroomEngineState, config: CleanroomConfig, room: RoomSetup, channel: SizeChannel, active: readonly AlarmInstance[]): ChannelStatus {
  let worstPerM3: number | null = null;
  let worstCounterId: string | null = null;
  let worstAtMs: number | null = null;
  for (const counterId of room.counterIds) {
    const reading = state.counters[counterKey(room.roomId, counterId)]?.latest[channel];
    if (reading !== undefined && (worstPerM3 === null || reading.perM3 > worstPerM3)) {
      worstPerM3 = reading.perM3;
      worstCounterId = counterId;
      worstAtMs = reading.tsMs;
    }
  }
  const levelsCounterId = worstCounterId ?? room.counterIds[0];
  const levels = levelsCounterId === undefined ? undefined : config.counters[counterKey(room.roomId, levelsCounterId)]?.levels[channel];
  const severities = active.filter((alarm) => alarm.kind === 'excursion' && alarm.channel === channel).map((alarm) => alarm.severity);
  return {
    channel,
    classLimitPerM3: room.classLimits[channel],
    worstPerM3,
    worstCounterId,
    worstAtMs,
    alertPerM3: levels?.alertPerM3 ?? null,
    actionPerM3: levels?.actionPerM3 ?? null,
    status: severities.includes('action') ? 'action' : severities.includes('alert') ? 'alert' : 'normal',
  };
}

function worst(levels: readonly RoomStatusLevel[]): RoomStatusLevel {
  return levels.reduce<RoomStatusLevel>((a, b) => (ROOM_STATUS_LEVELS.indexOf(b) > ROOM_STATUS_LEVELS.indexOf(a) ? b : a), 'normal');
}
