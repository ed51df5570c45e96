// Rollup sums on InfluxDB against a real HTTP server standing in for influxd's /query: a point whose
// fields are only partly visible yet (a read racing the rollup job's write; InfluxDB answered
// volume_ml = null at API start) is read once more, not turned into a 500; one that stays so still fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createInfluxStore } from '../../core/adapters/influx/influx-store.ts';

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const COLUMNS = ['time', 'volume_ml', 'covered_ms', 'rollup_count', 'unexplained_resets'];
const answer = (volumeMl: number | null) =>
  JSON.stringify({ results: [{ statement_id: 0, series: [{ name: 'meter_rollup', tags: { meter: 'rec-z1' }, columns: COLUMNS, values: [[0, volumeMl, 3_600_000, 1, 0]] }] }] });

/** Answers the first `partial` queries with volume_ml = null, the rest in full. */
async function influxQueries(partial: number): Promise<{ url: string; queries: () => number }> {
  let queries = 0;
  server = createServer((req, res) => {
    if (!req.url?.startsWith('/query')) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer(++queries <= partial ? null : 42_000));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, queries: () => queries };
}

const query = { period: 'hour' as const, range: { fromMs: 0, toMs: 86_400_000 }, meterIds: ['rec-z1'] };

describe('sumRollups on a point seen in part', () => {
  it('reads once more and answers the whole sum', async () => {
    const { url, queries } = await influxQueries(1);
    const sums = await createInfluxStore({ url, bucket: 'k14' }).sumRollups(query);
    expect(sums).toEqual([{ meterId: 'rec-z1', volumeMl: 42_000, coveredMs: 3_600_000, rollupCount: 1, unexplainedResets: 0 }]);
    expect(queries()).toBe(2);
  });

  it('still refuses a sum that stays null, after exactly one more read', async () => {
    const { url, queries } = await influxQueries(2);
    await expect(createInfluxStore({ url, bucket: 'k14' }).sumRollups(query)).rejects.toThrow(/volume_ml = null/);
    expect(queries()).toBe(2);
  });

  it('reads once when the answer is whole', async () => {
    const { url, queries } = await influxQueries(0);
    expect(await createInfluxStore({ url, bucket: 'k14' }).sumRollups(query)).toHaveLength(1);
    expect(queries()).toBe(1);
  });
});
