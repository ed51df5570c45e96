// The bench's wait for stored points, against a real influxd: it polls only the stream's tail while
// that is incomplete, but must still say "done" only when every point is in, and time out on a stall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForPoints } from '../../../bench/fixtures/stored-points.ts';
import { benchSite, deviceMessage, streamTail } from '../../../bench/load/device-mix.ts';
import { readingLine } from '../../../core/adapters/influx/encode.ts';
import { validateDeviceMessage } from '../../../core/domain/messages/validate-message.ts';
import { indexSite } from '../../../core/domain/site/site-schema.ts';
import { startInfluxd, type RunningInfluxd } from '../../harness/influxd.ts';

const COUNT = 2_500;
const START_MS = Date.now() - 3_600_000;
const site = indexSite(benchSite());

/** Message n of the bench stream as the line ingest would write. */
function line(n: number): string {
  const message = deviceMessage(n, START_MS);
  const result = validateDeviceMessage(message.topic, Buffer.from(message.payload), { maxPayloadBytes: 65_536, maxFutureSkewMs: 60_000, site, receivedAtMs: Date.now() });
  return readingLine(result.readings[0]!);
}

const linesOf = (numbers: number[]): string => numbers.map(line).join('\n');
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('waitForPoints with a stream tail', () => {
  let influxd: RunningInfluxd;
  beforeAll(async () => {
    influxd = await startInfluxd();
  }, 60_000);
  afterAll(() => influxd?.stop());

  it('is done once the tail and everything before it are stored', async () => {
    await influxd.createDatabase('tail_complete');
    await influxd.writeLines('tail_complete', linesOf(range(0, 1_000)));
    const waiting = waitForPoints(influxd, 'tail_complete', COUNT, { tail: streamTail(COUNT, START_MS), intervalMs: 20 });
    await influxd.writeLines('tail_complete', linesOf(range(1_000, COUNT)));
    const landed = await waiting;
    expect(landed).toMatchObject({ stored: COUNT, timedOut: false });
  });

  it('does not stop at a complete tail while an earlier point is missing', async () => {
    await influxd.createDatabase('tail_gap');
    await influxd.writeLines('tail_gap', linesOf(range(0, COUNT).filter((n) => n !== 10)));
    const landed = await waitForPoints(influxd, 'tail_gap', COUNT, { tail: streamTail(COUNT, START_MS), intervalMs: 20, stallMs: 300 });
    expect(landed).toMatchObject({ stored: COUNT - 1, timedOut: true });
  });

  it('times out when the tail never lands, with the count of what did', async () => {
    await influxd.createDatabase('tail_missing');
    await influxd.writeLines('tail_missing', linesOf(range(0, 2_000)));
    const landed = await waitForPoints(influxd, 'tail_missing', COUNT, { tail: streamTail(COUNT, START_MS), intervalMs: 20, stallMs: 300 });
    expect(landed).toMatchObject({ stored: 2_000, timedOut: true });
  });
});
