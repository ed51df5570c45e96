// Live water KPIs from live readings, and the meter alarm on an unexplained totalizer reset.
import { describe, expect, it } from 'vitest';
import { LiveWater, type MeterResetAlarm } from '../../../api/water/live-water.ts';
import { aMeterReading } from '../../fixtures/readings.ts';
import { k14Site } from '../../fixtures/site.ts';

const NOW = Date.UTC(2026, 0, 5, 4);
const MIN = 60_000;

describe('LiveWater', () => {
  const site = k14Site();
  const reading = (meterId: string, minutesAgo: number, totalizerM3: number, flow = 600) => {
    const meter = site.meters.find((m) => m.id === meterId)!;
    return aMeterReading({ meterId, role: meter.role, zone: meter.zone, tsMs: NOW - minutesAgo * MIN, totalizerM3, flowM3PerHour: flow });
  };

  it('computes the trailing-window recycling rate from live readings alone', () => {
    const live = new LiveWater({ site, clock: () => NOW, onUpdate: () => {} });
    live.handle([reading('inf-z1', 15, 1000), reading('inf-z1', 0, 1100), reading('rec-z1', 15, 500), reading('rec-z1', 0, 570)]);
    const report = live.current();
    expect(report.zones.zone1!.recyclingRate.value).toBeCloseTo(0.7, 10);
    expect(report.flowsM3PerHour['rec-z1']).toBe(600);
    live.stop();
  });

  it('stays exact when meters report many times a second (readings are thinned for the recompute)', () => {
    const live = new LiveWater({ site, clock: () => NOW, onUpdate: () => {} });
    const fast = Array.from({ length: 6_000 }, (_, i) => reading('rec-z1', 10 - i / 600, 1_000 + i * 0.125));
    live.handle(fast);
    expect(live.current().zones.zone1!.volumesM3.recycled).toBeCloseTo(5_999 * 0.125, 9);
    live.stop();
  });

  it('raises a meter alarm on an unexplained drop, not on a rollover at the wrap value', () => {
    const alarms: MeterResetAlarm[] = [];
    const live = new LiveWater({ site, clock: () => NOW, onUpdate: () => {}, onMeterReset: (a) => alarms.push(a) });
    live.handle([reading('rec-z1', 10, 5_000), reading('rec-z1', 5, 3)]);
    live.handle([reading('tap-z1', 10, 9_999_990), reading('tap-z1', 5, 4)]);
    expect(alarms).toEqual([{ meterId: 'rec-z1', atMs: NOW - 5 * MIN, beforeM3: 5_000, afterM3: 3 }]);
    live.stop();
  });
});
