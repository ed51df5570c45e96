// The cleanroom engine on excursions, ISO 8 at ≥0.5 µm (alert 2 464 000/m³, action 3 520 000/m³): the
// sample delay, one alarm per room+counter+channel through escalation, the lifecycle end to end,
// and samples that must change nothing.
import { describe, expect, it } from 'vitest';
import { AlarmNotFoundError } from '../../../core/domain/cleanroom/alarm-types.ts';
import { findAlarm } from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import { aConfig, aRoom, aSample, at05, ISO8, MINUTE_MS, T0 } from './cleanroom-fixtures.ts';
import { driver, labels } from './engine-driver.ts';

const ALERT = 2_500_000; // above the alert level, below action
const ACTION = 3_600_000; // above the action level
const CLEAN = 1_000_000; // below 0.9 × alert
const IN_BAND = 2_300_000; // between 0.9 × alert (2 217 600) and alert

describe('raising', () => {
  it('one alert-level spike raises nothing; two consecutive raise one alarm', () => {
    const d = driver();
    d.feed([CLEAN, ALERT, CLEAN]);
    expect(d.log).toEqual([]);
    d.feed([ALERT, ALERT]);
    expect(labels(d.log)).toEqual(['raised:normal>active-unacknowledged:alert']);
    expect(d.onlyAlarm()).toMatchObject({
      id: `mask-line/pms-01/0.5@${T0 + 5 * MINUTE_MS}`,
      key: 'mask-line/pms-01/0.5',
      kind: 'excursion',
      channel: '0.5',
      severity: 'alert',
      state: 'active-unacknowledged',
      raisedAt: T0 + 5 * MINUTE_MS,
      levelPerM3: ISO8.alert05,
      peakPerM3: ALERT,
    });
  });

  it('one action-level sample raises at once', () => {
    const d = driver();
    const [result] = d.feed([ACTION]);
    expect(labels(result!.transitions)).toEqual(['raised:normal>active-unacknowledged:action']);
    expect(result!.transitions[0]).toMatchObject({ concentrationPerM3: ACTION, levelPerM3: ISO8.limit05, conditionAtMs: T0 + MINUTE_MS, atMs: T0 + MINUTE_MS });
  });

  it('computes the concentration as count ÷ sampled volume', () => {
    const d = driver();
    // 100 000 particles in 28.3 L (1 ft³) = 3 533 569/m³, just over the ISO 8 limit of 3 520 000.
    const result = d.sample({ ...aSample(T0 + 1, {}), volumeLitres: 28.3, counts: { '0.5': 100_000 } });
    expect(result.transitions[0]?.concentrationPerM3).toBeCloseTo(3_533_568.9, 0);
    expect(d.state.counters['mask-line/pms-01']?.latest['0.5']?.perM3).toBeCloseTo(3_533_568.9, 0);
  });

  it('applies an N-of-M rule from the room configuration', () => {
    const d = driver(aConfig([aRoom({ levels: { alertRaise: { samples: 2, window: 4 } } })]));
    d.feed([ALERT, CLEAN, CLEAN]);
    expect(d.log).toEqual([]);
    d.feed([ALERT]);
    expect(labels(d.log)).toEqual(['raised:normal>active-unacknowledged:alert']);
  });

  it('keeps one alarm per room, counter and channel', () => {
    const d = driver();
    d.sample(aSample(T0 + 1, { '0.5': ACTION, '5.0': 40_000 }));
    d.sample(aSample(T0 + 2, { '0.5': ACTION }, { counterId: 'pms-02' }));
    expect(Object.keys(d.state.alarms)).toEqual(['mask-line/pms-01/0.5', 'mask-line/pms-01/5.0', 'mask-line/pms-02/0.5']);
  });

  it('names alarms with the id factory it is given', () => {
    const d = driver(aConfig([aRoom()], { alarmId: (key, raisedAtMs) => `${key}#${raisedAtMs - T0}` }));
    d.feed([ACTION]);
    expect(d.onlyAlarm().id).toBe(`mask-line/pms-01/0.5#${MINUTE_MS}`);
  });
});

describe('escalation', () => {
  it('escalates alert → action as the same alarm, recording the change and asking for a new acknowledgement', () => {
    const d = driver();
    d.feed([ALERT, ALERT]);
    const { id } = d.onlyAlarm();
    d.ack(id);
    const [result] = d.feed([ACTION]);
    expect(labels(result!.transitions)).toEqual(['severity-changed:active-acknowledged>active-unacknowledged:action']);
    expect(d.onlyAlarm()).toMatchObject({ id, severity: 'action', levelPerM3: ISO8.limit05, peakPerM3: ACTION });
  });

  it('de-escalates action → alert as the same alarm after K samples below 0.9 × action, staying acknowledged', () => {
    const d = driver();
    d.feed([ACTION]);
    const { id } = d.onlyAlarm();
    d.ack(id);
    d.feed([ALERT, ALERT, ALERT]);
    expect(labels(d.log).at(-1)).toBe('severity-changed:active-acknowledged>active-acknowledged:alert');
    expect(d.onlyAlarm()).toMatchObject({ id, severity: 'alert', peakPerM3: ACTION });
  });
});

describe('clearing and acknowledging', () => {
  it('acknowledged, then K samples below 0.9 × level: back to normal, and the next excursion is a new alarm', () => {
    const d = driver();
    d.feed([ALERT, ALERT]);
    const first = d.onlyAlarm();
    d.ack(first.id, 'gowning door propped open');
    d.feed([IN_BAND, IN_BAND, IN_BAND]);
    expect(d.onlyAlarm().state).toBe('active-acknowledged');
    const results = d.feed([CLEAN, CLEAN, CLEAN]);
    expect(labels(results[2]!.transitions)).toEqual(['cleared:active-acknowledged>normal:alert']);
    expect(results[2]!.alarms).toEqual([expect.objectContaining({ id: first.id, state: 'normal', clearedAt: T0 + 8 * MINUTE_MS })]);
    expect(d.state.alarms).toEqual({});
    d.feed([ACTION]);
    expect(d.onlyAlarm().id).not.toBe(first.id);
  });

  it('cleared before anyone acknowledged: waits in cleared-unacknowledged, then the acknowledgement closes it', () => {
    const d = driver();
    d.feed([ACTION, CLEAN, CLEAN, CLEAN]);
    const alarm = d.onlyAlarm();
    expect(alarm.state).toBe('cleared-unacknowledged');
    d.ack(alarm.id);
    expect(labels(d.log)).toEqual([
      'raised:normal>active-unacknowledged:action',
      'cleared:active-unacknowledged>cleared-unacknowledged:action',
      'acknowledged:cleared-unacknowledged>normal:action',
    ]);
    expect(d.state.alarms).toEqual({});
  });

  it('an excursion returning before the acknowledgement re-annunciates the same alarm', () => {
    const d = driver();
    d.feed([ACTION, CLEAN, CLEAN, CLEAN]);
    const { id } = d.onlyAlarm();
    d.feed([ALERT, ALERT]);
    expect(d.onlyAlarm()).toMatchObject({ id, state: 'active-unacknowledged', severity: 'alert', peakPerM3: ACTION });
  });

  it('refuses an acknowledgement without a comment and one of an unknown alarm', () => {
    const d = driver();
    d.feed([ACTION]);
    expect(() => d.ack(d.onlyAlarm().id, ' ')).toThrow(expect.objectContaining({ code: 'COMMENT_REQUIRED' }));
    expect(() => d.ack('no-such-alarm')).toThrow(AlarmNotFoundError);
    expect(() => d.ack('no-such-alarm')).toThrow(expect.objectContaining({ code: 'ALARM_NOT_FOUND' }));
    expect(findAlarm(d.state, d.onlyAlarm().id)?.state).toBe('active-unacknowledged');
  });
});

describe('samples that change nothing', () => {
  it('ignores a redelivered sample and an older one, then goes on with newer ones', () => {
    const d = driver();
    d.feed([ALERT]);
    const before = d.state;
    expect(d.sample(at05(T0 + MINUTE_MS, ALERT)).ignored).toBe('duplicate');
    expect(d.sample(at05(T0 + 30_000, ACTION)).ignored).toBe('duplicate');
    expect(d.state).toBe(before);
    expect(d.log).toEqual([]);
    d.feed([ALERT]);
    expect(labels(d.log)).toEqual(['raised:normal>active-unacknowledged:alert']);
  });

  it('ignores a sample of a counter the configuration does not know, and one with no volume', () => {
    const d = driver();
    expect(d.sample(aSample(T0 + 1, { '0.5': ACTION }, { counterId: 'pms-99' })).ignored).toBe('unknown-counter');
    expect(d.sample({ ...at05(T0 + 1, ACTION), volumeLitres: 0 }).ignored).toBe('invalid-volume');
    expect(d.log).toEqual([]);
  });

  it('keeps each channel to its own samples: a sample without a channel does not count for it', () => {
    const d = driver();
    d.sample(aSample(T0 + 1, { '0.5': ALERT }));
    d.sample(aSample(T0 + 2, { '1.0': 100 }));
    d.sample(aSample(T0 + 3, { '0.5': ALERT }));
    expect(labels(d.log)).toEqual(['raised:normal>active-unacknowledged:alert']);
  });
});
