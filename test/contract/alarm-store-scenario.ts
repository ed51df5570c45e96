// Realistic alarm changes for the AlarmStore contract, made by driving the real pure cleanroom engine
// the way the alarm manager does: every engine call becomes one saved change with its snapshot.
import type { AlarmInstance, AlarmTransition } from '../../core/domain/cleanroom/alarm-types.ts';
import type { EngineResult } from '../../core/domain/cleanroom/cleanroom-engine.ts';
import { snapshot, type CleanroomSnapshot } from '../../core/domain/cleanroom/engine-snapshot.ts';
import type { AlarmChange } from '../../core/ports/alarm-store.ts';
import { aConfig, aRoom, aSample, MINUTE_MS } from '../unit/cleanroom/cleanroom-fixtures.ts';
import { driver, type Driver } from '../unit/cleanroom/engine-driver.ts';

const ALERT = 2_500_000;
const ACTION = 3_600_000;
const CLEAN = 1_000_000;

export interface AlarmScenario {
  /** One per engine call, in call order, as the manager would save them. */
  readonly changes: readonly AlarmChange[];
  /** Every transition in the order the engine made them. */
  readonly transitions: readonly AlarmTransition[];
  /** Every alarm as it ended up, by id. */
  readonly alarms: ReadonlyMap<string, AlarmInstance>;
  /** The engine state after the last call. */
  readonly snapshot: CleanroomSnapshot;
  /** The ids by role, so tests read as the story below. */
  readonly ids: { readonly maskExcursion: string; readonly gowningExcursion: string; readonly maskStale02: string; readonly maskStale01: string; readonly gowningStale: string };
}

/**
 * Two rooms. mask-line pms-01 raises an alert, acknowledged in the millisecond it was raised,
 * escalates to action, clears and is acknowledged back to normal. gowning pms-11 raises an action
 * excursion. The silent pms-02 goes stale, is shelved, then clears while shelved. Five minutes of
 * silence later pms-01 and pms-11 go stale in one call (two transitions in one millisecond).
 */
export function anAlarmScenario(): AlarmScenario {
  const d = driver(aConfig([aRoom(), aRoom({ id: 'gowning', counterIds: ['pms-11'] })]));
  const changes: AlarmChange[] = [];
  const save = (result: EngineResult): void => {
    changes.push({ alarms: result.alarms, transitions: result.transitions, snapshot: snapshot(result.state) });
  };
  const openId = (key: string): string => {
    const alarm = d.state.alarms[key];
    if (alarm === undefined) throw new Error(`scenario: no open alarm ${key}`);
    return alarm.id;
  };

  d.feed([ALERT, ALERT]).forEach(save);
  const maskExcursion = openId('mask-line/pms-01/0.5');
  save(d.ack(maskExcursion, 'door to the gowning room propped open'));
  d.feed([ACTION]).forEach(save);
  d.feed([CLEAN, CLEAN, CLEAN]).forEach(save);
  save(d.ack(maskExcursion, 'door closed, cart route changed'));

  d.clock.advance(MINUTE_MS);
  save(d.sample(aSample(d.clock.now(), { '0.5': ACTION }, { roomId: 'gowning', counterId: 'pms-11' })));
  const gowningExcursion = openId('gowning/pms-11/0.5');

  d.clock.advance(MINUTE_MS / 2);
  save(d.checkStale());
  const maskStale02 = openId('mask-line/pms-02/stale');
  save(d.shelve(maskStale02, 30 * MINUTE_MS));
  d.clock.advance(MINUTE_MS);
  save(d.sample(aSample(d.clock.now(), { '0.5': CLEAN }, { counterId: 'pms-02' })));

  d.clock.advance(5 * MINUTE_MS);
  save(d.checkStale());
  const maskStale01 = openId('mask-line/pms-01/stale');
  const gowningStale = openId('gowning/pms-11/stale');

  const alarms = new Map<string, AlarmInstance>();
  for (const change of changes) for (const alarm of change.alarms) alarms.set(alarm.id, alarm);
  return {
    changes,
    transitions: [...d.log],
    alarms,
    snapshot: snapshot(d.state),
    ids: { maskExcursion, gowningExcursion, maskStale02, maskStale01, gowningStale },
  };
}

/** A snapshot far beyond InfluxDB's documented 64 KB string limit, with text outside the BMP in it. */
export function aLargeSnapshotChange(): AlarmChange {
  const counterIds = Array.from({ length: 250 }, (_, i) => `pms-${String(i).padStart(3, '0')}`);
  const d: Driver = driver(aConfig([aRoom({ counterIds })]));
  for (const counterId of counterIds) d.sample(aSample(d.clock.now() + 1, { '0.3': 9_000_000, '0.5': 1_000_000, '1.0': 100_000, '5.0': 1_000 }, { counterId }));
  d.feed([ACTION], 'pms-000');
  const raised = d.onlyAlarm();
  const result = d.ack(raised.id, 'Tür offen 🚪 — Partikel ≥0,5 µm 🌫️'.repeat(40));
  return { alarms: result.alarms, transitions: result.transitions, snapshot: snapshot(d.state) };
}
