// The ops-alarm manager with a fake clock and an in-memory publish: metrics, retained messages, /ops.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeterReading } from '../../../core/domain/readings.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { JournalRecord } from '../../../ingest/journal/journal-record.ts';
import { OpsMonitor } from '../../../ingest/ops/ops-monitor.ts';

const T0 = Date.parse('2026-11-24T12:00:00Z');

function setUp() {
  let now = T0;
  let oldestPendingAt: number | undefined;
  const published: Array<{ topic: string; body: { kind: string; active: boolean } }> = [];
  const registry = new MetricsRegistry();
  const monitor = new OpsMonitor({
    source: 'k14/ingest#1',
    config: { backlog: { raiseAtAgeMs: 30_000, clearBelowAgeMs: 10_000 }, evaluateIntervalMs: 5_000, seqRestartMax: 3 },
    registry,
    logger: pino({ level: 'silent' }),
    clock: () => now,
  });
  monitor.start({ oldestPendingAt: () => oldestPendingAt, publish: (topic, payload) => published.push({ topic, body: JSON.parse(payload) }) });
  /** The next timed evaluation, at atMs with the store writer's oldest pending reading received at pendingSince. */
  const evaluate = (atMs: number, pendingSince: number | undefined) => {
    now = atMs;
    oldestPendingAt = pendingSince;
    vi.advanceTimersByTime(5_000);
  };
  return { monitor, registry, published, evaluate, setNow: (ms: number) => (now = ms) };
}

const meter = (seq: number): JournalRecord => ({ t: 'r', at: T0, r: { kind: 'meter', meterId: 'm1', role: 'influent', zone: 'z1', tsMs: T0, flowM3PerHour: 1, quality: 'good', seq } satisfies MeterReading });

describe('ops monitor', () => {
  let stop: (() => void) | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    stop?.();
    vi.useRealTimers();
  });

  it('publishes a retained baseline at start, then each raise and clear of the backlog alarm', () => {
    const { monitor, registry, published, evaluate } = setUp();
    stop = () => monitor.stop();
    expect(published).toEqual([{ topic: 'system/v1/ops-alarms/k14_ingest_1/store-backlog', body: expect.objectContaining({ kind: 'store-backlog', active: false }) }]);
    evaluate(T0 + 35_000, T0);
    expect(monitor.snapshot().alarms.map((a) => a.kind)).toEqual(['store-backlog']);
    expect(registry.render()).toContain('ingest_ops_alarm_active{kind="store-backlog"} 1');
    evaluate(T0 + 40_000, undefined);
    expect(published.map((p) => `${p.body.kind} ${p.body.active}`)).toEqual(['store-backlog false', 'store-backlog true', 'store-backlog false']);
    expect(registry.render()).toContain('ingest_ops_alarm_active{kind="store-backlog"} 0');
  });

  it('counts seq gaps per device from journalled records and shows them in the snapshot', () => {
    const { monitor, registry } = setUp();
    stop = () => monitor.stop();
    monitor.observeRecords([meter(1), meter(2)]);
    monitor.observeRecords([meter(5)]);
    const snapshot = monitor.snapshot();
    expect(snapshot.seq.missingTotal).toBe(2);
    expect(snapshot.seq.devices['meter/m1']).toEqual({ lastSeq: 5, missing: 2, gaps: 1, duplicates: 0, restarts: 0 });
    expect(snapshot.seq.recentGaps).toEqual([{ device: 'meter/m1', expected: 3, got: 5, missing: 2, at: '2026-11-24T12:00:00.000Z' }]);
    expect(registry.render()).toContain('ingest_seq_missing_total{device="meter/m1"} 2');
  });

  it('raises session-lost on a lost session, keeps it until acknowledged', () => {
    const { monitor, published, setNow } = setUp();
    stop = () => monitor.stop();
    monitor.onConnack(false);
    setNow(T0 + 60_000);
    monitor.onConnack(false);
    expect(monitor.snapshot().alarms).toEqual([expect.objectContaining({ kind: 'session-lost', active: true, raisedAt: '2026-11-24T12:01:00.000Z' })]);
    expect(published.at(-1)?.topic).toBe('system/v1/ops-alarms/k14_ingest_1/session-lost');
    expect(monitor.acknowledgeSessionLost()).toMatchObject({ active: false });
    expect(monitor.snapshot().alarms).toEqual([]);
  });
});
