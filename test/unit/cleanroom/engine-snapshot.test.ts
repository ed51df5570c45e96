// Snapshot and restore: the engine state survives JSON exactly, and an engine restored mid-scenario
// goes on exactly as one that never stopped, ignoring what is redelivered after the restart.
import { describe, expect, it } from 'vitest';
import { restore, snapshot } from '../../../core/domain/cleanroom/engine-snapshot.ts';
import { createEngineState } from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import { aConfig, aSample, fakeClock, MINUTE_MS } from './cleanroom-fixtures.ts';
import { driver, type Driver } from './engine-driver.ts';

const ACTION = 3_600_000;
const ALERT = 2_500_000;
const CLEAN = 1_000_000;
const ALERT_1UM = 600_000; // ISO 8 ≥1 µm: alert 582 400, action 832 000

const idOf = (d: Driver, key: string): string => {
  const alarm = d.state.alarms[key];
  if (alarm === undefined) throw new Error(`no open alarm ${key}`);
  return alarm.id;
};

/** Up to here: an acknowledged then escalated excursion, a stale counter shelved, one pending ≥1 µm sample. */
function firstHalf(d: Driver): void {
  d.feed([ALERT, ALERT]);
  d.ack(idOf(d, 'mask-line/pms-01/0.5'), 'door propped open');
  d.feed([ACTION]);
  d.clock.advance(MINUTE_MS);
  d.sample(aSample(d.clock.now(), { '0.5': ACTION, '1.0': ALERT_1UM }));
  d.checkStale();
  d.shelve(idOf(d, 'mask-line/pms-02/stale'), 30 * MINUTE_MS);
}

function secondHalf(d: Driver): void {
  // Redelivered after the restart: must change nothing.
  d.sample(aSample(d.clock.now(), { '0.5': ACTION, '1.0': ALERT_1UM }));
  d.clock.advance(MINUTE_MS);
  d.sample(aSample(d.clock.now(), { '0.5': CLEAN, '1.0': ALERT_1UM }));
  d.feed([CLEAN, CLEAN]);
  d.feed([CLEAN], 'pms-02');
  d.clock.advance(30 * MINUTE_MS);
  d.expireShelves();
  d.ack(idOf(d, 'mask-line/pms-01/1.0'), 'cart moved through');
}

describe('snapshot and restore', () => {
  it('round-trips the state through JSON exactly', () => {
    const d = driver();
    firstHalf(d);
    const restored = restore(JSON.parse(JSON.stringify(snapshot(d.state))));
    expect(restored).toStrictEqual(d.state);
  });

  it('a restored engine continues exactly as one that never stopped', () => {
    const uninterrupted = driver();
    firstHalf(uninterrupted);
    const persisted = JSON.stringify(snapshot(uninterrupted.state));
    const logSoFar = uninterrupted.log.length;
    secondHalf(uninterrupted);

    const before = driver();
    firstHalf(before);
    const resumed = driver(before.config, { clock: fakeClock(before.clock.now()), state: restore(JSON.parse(persisted)) });
    secondHalf(resumed);

    expect(resumed.log).toEqual(uninterrupted.log.slice(logSoFar));
    expect(JSON.stringify(resumed.state)).toBe(JSON.stringify(uninterrupted.state));
    // The pending ≥1 µm sample from before the restart counted: the second one raised the alert.
    expect(resumed.log.map((t) => `${t.key}:${t.cause}`)).toContain('mask-line/pms-01/1.0:raised');
  });

  it('gives a detached copy: changing the snapshot never changes the state', () => {
    const d = driver();
    d.feed([ACTION]);
    const copy = snapshot(d.state) as { alarms: Record<string, { severity: string }> };
    copy.alarms['mask-line/pms-01/0.5']!.severity = 'alert';
    expect(d.onlyAlarm().severity).toBe('action');
  });

  it('refuses a damaged snapshot with SNAPSHOT_INVALID, naming every problem', () => {
    const d = driver();
    d.feed([ACTION]);
    const damaged = JSON.parse(JSON.stringify(d.state)) as { version: number; alarms: Record<string, Record<string, unknown>> };
    damaged.version = 2;
    damaged.alarms['mask-line/pms-01/0.5']!.state = 'ringing';
    expect(() => restore(damaged)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID', message: expect.stringMatching(/version.*; alarms\.mask-line\/pms-01\/0\.5\.state/) }));
    expect(() => restore(null)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
  });

  it('restores an empty engine', () => {
    const state = createEngineState(aConfig(), 0);
    expect(restore(JSON.parse(JSON.stringify(state)))).toStrictEqual(state);
  });
});
