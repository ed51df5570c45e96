// What the InfluxDB line writer puts on the wire, seen by a real HTTP server: the v2 write path, one
// request per batch, and a gzipped body only when asked for.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLineWriter } from '../../core/adapters/influx/line-writer.ts';

interface Captured {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function capturingServer(): Promise<{ url: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

// Long enough to pass any gzip threshold.
const LINES = Array.from({ length: 50 }, (_, i) => `meter_reading,meter=m-${i},zone=zone\\ 1 flow_m3h=${i}.5,quality="good" ${1_700_000_000_000_000_000 + i}`);

describe('line writer on the wire', () => {
  it('posts the lines as they are to /api/v2/write, batch by batch, without compression by default', async () => {
    const { url, requests } = await capturingServer();
    const writer = createLineWriter({ url, org: 'k14 org', bucket: 'k14/autogen', writeTimeoutMs: 5_000, maxLinesPerRequest: 30, gzip: false });

    expect(await writer.write(LINES)).toEqual([]);
    await writer.close();

    expect(requests.map((r) => r.url)).toEqual(Array(2).fill('/api/v2/write?org=k14%20org&bucket=k14%2Fautogen&precision=ns'));
    expect(requests[0]!.headers['content-encoding']).toBeUndefined();
    expect(requests.map((r) => r.body.toString('utf8'))).toEqual([LINES.slice(0, 30).join('\n'), LINES.slice(30).join('\n')]);
  });

  it('gzips the body when asked to', async () => {
    const { url, requests } = await capturingServer();
    const writer = createLineWriter({ url, org: '', bucket: 'k14', writeTimeoutMs: 5_000, maxLinesPerRequest: 5_000, gzip: true });

    await writer.write(LINES);
    await writer.close();

    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(requests[0]!.body).toString('utf8')).toBe(LINES.join('\n'));
  });
});
