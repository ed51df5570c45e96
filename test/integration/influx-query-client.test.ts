// The InfluxQL read client against a real HTTP server that resets connections: a reset as a request
// goes out (a kept-alive connection closed under it) is tried once more; a server that keeps
// resetting is "unavailable", not retried forever.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueryClient } from '../../core/adapters/influx/query-client.ts';
import { StoreUnavailableError } from '../../core/ports/telemetry-store.ts';

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const ANSWER = JSON.stringify({ results: [{ statement_id: 0, series: [{ name: 'meter_reading', columns: ['time', 'count'], values: [[0, 7]] }] }] });

/** Resets the connection of the first `resets` requests, answers the rest. */
async function resettingServer(resets: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((req, res) => {
    if (++requests <= resets) return req.socket.destroy();
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${ANSWER}\n`);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests: () => requests };
}

const clientFor = (url: string) => createQueryClient({ url, database: 'k14', queryTimeoutMs: 2_000, pingTimeoutMs: 1_000 });

describe('query client over connections that reset', () => {
  it('answers after one reset, with a second request', async () => {
    const { url, requests } = await resettingServer(1);
    const [statement] = await clientFor(url).query('SELECT count(flow_m3h) FROM meter_reading');
    expect(statement![0]!.values).toEqual([[0, 7]]);
    expect(requests()).toBe(2);
  });

  it('is unavailable after two resets in a row, having tried twice', async () => {
    const { url, requests } = await resettingServer(2);
    await expect(clientFor(url).query('SELECT 1')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(requests()).toBe(2);
  });

  it('does not try again when nothing listens (refused, not reset)', async () => {
    const { url } = await resettingServer(0);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(clientFor(url).query('SELECT 1')).rejects.toThrow(/did not answer: .*ECONNREFUSED/);
  });
});
