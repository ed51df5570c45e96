// Room status for the API: worst latest concentration per channel against its levels and class limit,
// and the room's status from its alarms' conditions (action > stale > alert > normal).
import { describe, expect, it } from 'vitest';
import { roomStatus, roomStatuses } from '../../../core/domain/cleanroom/room-status.ts';
import { aConfig, aRoom, aSample, MINUTE_MS, T0 } from './cleanroom-fixtures.ts';
import { driver } from './engine-driver.ts';

const status = (d: ReturnType<typeof driver>) => roomStatus(d.state, d.config, 'mask-line');

describe('room status', () => {
  it('shows the worst latest concentration per channel with its counter, levels and class limit', () => {
    const d = driver();
    d.sample(aSample(T0 + 1, { '0.3': 9_000_000, '0.5': 1_000_000, '5.0': 10 }));
    d.sample(aSample(T0 + 2, { '0.5': 1_500_000 }, { counterId: 'pms-02' }));
    expect(status(d)).toEqual({
      roomId: 'mask-line',
      isoClass: 8,
      status: 'normal',
      channels: [
        { channel: '0.3', classLimitPerM3: null, worstPerM3: 9_000_000, worstCounterId: 'pms-01', worstAtMs: T0 + 1, alertPerM3: null, actionPerM3: null, status: 'normal' },
        { channel: '0.5', classLimitPerM3: 3_520_000, worstPerM3: 1_500_000, worstCounterId: 'pms-02', worstAtMs: T0 + 2, alertPerM3: 2_464_000, actionPerM3: 3_520_000, status: 'normal' },
        { channel: '1.0', classLimitPerM3: 832_000, worstPerM3: null, worstCounterId: null, worstAtMs: null, alertPerM3: 582_400, actionPerM3: 832_000, status: 'normal' },
        { channel: '5.0', classLimitPerM3: 29_300, worstPerM3: 10, worstCounterId: 'pms-01', worstAtMs: T0 + 1, alertPerM3: 20_510, actionPerM3: 29_300, status: 'normal' },
      ],
      staleCounterIds: [],
      openAlarms: 0,
      unacknowledgedAlarms: 0,
      shelvedAlarms: 0,
    });
  });

  it('takes a channel status from the alarms, after the delay, not from one raw value', () => {
    const d = driver();
    d.sample(aSample(T0 + 1, { '0.5': 2_500_000 }));
    expect(status(d)?.status).toBe('normal');
    d.sample(aSample(T0 + 2, { '0.5': 2_500_000, '5.0': 40_000 }));
    expect(status(d)?.channels.map((c) => c.status)).toEqual(['normal', 'alert', 'normal', 'action']);
    expect(status(d)).toMatchObject({ status: 'action', openAlarms: 2, unacknowledgedAlarms: 2 });
  });

  it('ranks a stale counter above an alert and below an action excursion', () => {
    const d = driver(aConfig([aRoom({ counterIds: ['pms-01', 'pms-02'] })]));
    d.feed([2_500_000, 2_500_000, 2_500_000, 2_500_000]);
    expect(status(d)?.status).toBe('alert');
    d.checkStale();
    expect(status(d)).toMatchObject({ status: 'stale', staleCounterIds: ['pms-02'] });
    d.feed([4_000_000]);
    expect(status(d)?.status).toBe('action');
  });

  it('still reports a shelved condition: shelving silences annunciation, not the status', () => {
    const d = driver();
    d.feed([4_000_000]);
    d.shelve(d.onlyAlarm().id, 60 * MINUTE_MS);
    expect(status(d)).toMatchObject({ status: 'action', shelvedAlarms: 1, unacknowledgedAlarms: 0 });
  });

  it('lists every configured room and knows no other', () => {
    const d = driver(aConfig([aRoom(), aRoom({ id: 'gowning', isoClass: 7 })]));
    expect(roomStatuses(d.state, d.config).map((r) => [r.roomId, r.isoClass, r.status])).toEqual([
      ['mask-line', 8, 'normal'],
      ['gowning', 7, 'normal'],
    ]);
    expect(roomStatus(d.state, d.config, 'nowhere')).toBeNull();
  });
});
