// Awkward identifiers and payloads (spaces, commas, '=', quotes, backslashes, non-ASCII, line breaks)
// round-trip byte for byte through both stores (SQLite and a real InfluxDB 1.6), or are refused with a
// clear reason: by the site schema (which also keeps MQTT's '+', '#', '/' and NUL out of topic levels)
// or by the line-protocol encoder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxStore } from '../../../core/adapters/influx/influx-store.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../core/adapters/mqtt/embedded-broker.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { captureRawPayload, rawPayloadOf, type DeadLetter } from '../../../core/domain/dead-letter.ts';
import { siteSchema } from '../../../core/domain/site/site-schema.ts';
import type { MeterReading, ParticleSample } from '../../../core/domain/readings.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { IngestService } from '../../../ingest/ingest-service.ts';
import { startInfluxd, type RunningInfluxd } from '../../harness/influxd.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { aSiteWithMeters, k14Site } from '../../fixtures/site.ts';
import { testIngestOptions } from '../../integration/spine/ingest-fixture.ts';

const AWKWARD_IDS = ['潔淨室 A', 'm=1,2', 'a"b\\c', 'a b', 'a,b', 'a=b', '=', ',', ' ', ' lead', "o'neil", 'a\\,b', 'a\\ b', 'a\\=b', 'C:\\k14', 'tab\there', 'cr\rhere', 'ünï 🚰', '\\', 'x\\'];
/** What InfluxDB line protocol cannot carry in a tag value: a trailing backslash, a line break. */
const LINE_PROTOCOL_REFUSES = (id: string): boolean => id.endsWith('\\') || id.includes('\n');
const T0 = Date.UTC(2025, 5, 1);
const RANGE = { fromMs: T0 - 1000, toMs: T0 + 3600_000 };

function meterReading(meterId: string, i: number): MeterReading {
  return { kind: 'meter', meterId, role: 'recycled', zone: `zone ${meterId}`, tsMs: T0 + i * 1000, flowM3PerHour: 10 + i, totalizerM3: 100 + i, quality: 'good', seq: i };
}

function particleSample(roomId: string, counterId: string, i: number): ParticleSample {
  return { kind: 'particle', roomId, counterId, tsMs: T0 + i * 1000, volumeLitres: 28.3, counts: { '0.5': i, '5.0': 1 }, seq: i };
}

describe('identifiers in the site configuration', () => {
  it.each([...AWKWARD_IDS, '+', '#', 'a/b', 'a\u0000b', '', 'x'.repeat(65)])('refuses meter, room and counter id %j with the identifier rule', (id) => {
    const base = k14Site();
    const result = siteSchema.safeParse({
      ...base,
      meters: [{ ...base.meters[0]!, id }, ...base.meters.slice(1)],
      rooms: [{ ...base.rooms[0]!, id, counters: [{ ...base.rooms[0]!.counters[0]!, id }] }],
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    for (const where of ['meters.0.id', 'rooms.0.id', 'rooms.0.counters.0.id']) {
      expect(messages).toContain(`${where}: use 1–64 characters: letters, digits, "_", "." or "-", starting with a letter or digit`);
    }
  });
});

describe.each(['sqlite', 'influxdb'] as const)('awkward identifiers and payloads in the %s store', (kind) => {
  let dir: string;
  let influxd: RunningInfluxd | undefined;
  let store: TelemetryStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-poison-ids-'));
    if (kind === 'sqlite') store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    else {
      influxd = await startInfluxd();
      store = createInfluxStore({ url: influxd.url, bucket: influxd.database });
    }
    await store.start();
  });
  afterAll(async () => {
    await store?.close();
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back meter readings and particle samples under each id exactly, or refuses the id with a reason', async () => {
    const meters = AWKWARD_IDS.map((id, i) => meterReading(id, i));
    const samples = AWKWARD_IDS.map((id, i) => particleSample(`room ${id}`, id, i));
    const { rejected } = await store.writeReadings([...meters, ...samples]);
    const refusedIds = new Set(rejected.map((r) => (r.reading.kind === 'meter' ? r.reading.meterId : r.reading.counterId)));
    for (const r of rejected) expect(r.reason).toMatch(/cannot (end with a backslash|contain a line break) in InfluxDB line protocol/);
    const expectedRefused = kind === 'influxdb' ? AWKWARD_IDS.filter(LINE_PROTOCOL_REFUSES) : [];
    expect([...refusedIds].sort()).toEqual([...expectedRefused].sort());

    const problems: string[] = [];
    for (const [i, id] of AWKWARD_IDS.entries()) {
      if (refusedIds.has(id)) continue;
      const readBack = await store.readMeterReadings(id, RANGE);
      if (!isDeepStrictEqual(readBack, [meters[i]])) problems.push(`meter ${JSON.stringify(id)}: ${JSON.stringify(readBack)}`);
      const sampleBack = await store.readParticleSamples({ roomId: `room ${id}`, counterId: id }, RANGE);
      if (!isDeepStrictEqual(sampleBack, [samples[i]])) problems.push(`counter ${JSON.stringify(id)}: ${JSON.stringify(sampleBack)}`);
    }
    const latest = await store.latestReadings();
    const latestIds = new Set(latest.map((r) => (r.kind === 'meter' ? `m:${r.meterId}:${r.zone}` : `p:${r.roomId}:${r.counterId}`)));
    for (const id of AWKWARD_IDS.filter((x) => !refusedIds.has(x))) {
      if (!latestIds.has(`m:${id}:zone ${id}`)) problems.push(`latestReadings lacks meter ${JSON.stringify(id)}`);
      if (!latestIds.has(`p:room ${id}:${id}`)) problems.push(`latestReadings lacks counter ${JSON.stringify(id)}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps dead letters of awkward topics and payloads byte for byte, ingested from a real broker', async () => {
    const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0 });
    const site = aSiteWithMeters(2);
    const ingest = new IngestService({
      ...testIngestOptions({ url: broker.url, protocolVersion: 4, dir: path.join(dir, 'ingest'), site, store, registry: new MetricsRegistry(), logger: pino({ level: 'silent' }) }),
      livePublish: false,
    });
    await ingest.start();
    const sent = [
      ...AWKWARD_IDS.filter((id) => !/[\t\r]/.test(id)).map((id) => ({ topic: `k14/meter/${id}`, payload: Buffer.from(JSON.stringify({ flow_m3h: 1, note: id })) })),
      { topic: 'k14/meter/m001', payload: Buffer.from('{"flow_m3h":"say \\"hi\\" \\\\ 潔淨室\nline 2\r\n\ttab ✓"}') },
      { topic: 'k14/meter/m001', payload: Buffer.from('{"flow_m3h": NaN, "note": "a\\\\", "q": "\'"}') },
      { topic: 'k14/meter/m001', payload: Buffer.concat([Buffer.from('{"flow_m3h":1,"x":"'), Buffer.from([0xff, 0x00, 0x5c, 0x22]), Buffer.from('"}')]) },
      { topic: 'k14/meter/m001', payload: Buffer.from(`{"flow_m3h":-1,"pad":"${'潔'.repeat(2000)}"}`) },
    ];
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `poison-ids-${kind}` });
    try {
      for (const m of sent) await publisher.publishAsync(m.topic, m.payload, { qos: 1 });
      const letters = await pollUntil(
        async () => {
          const list = await store.listDeadLetters({ status: 'all', limit: 1000 });
          return list.length >= sent.length ? list : undefined;
        },
        { description: `${sent.length} dead letters`, timeoutMs: 30_000, intervalMs: 100 },
      );
      const problems: string[] = [];
      for (const m of sent) {
        const letter = letters.find((l: DeadLetter) => l.topic === m.topic && rawPayloadOf(l).equals(Buffer.from(rawPayloadOf(captureRawPayload(m.payload)))));
        if (letter === undefined) problems.push(`no byte-equal letter for ${JSON.stringify(m.topic)} ${JSON.stringify(m.payload.subarray(0, 60).toString())}`);
        else if (letter.payloadBytes !== m.payload.byteLength || letter.detail.trim() === '') problems.push(`letter of ${JSON.stringify(m.topic)}: ${JSON.stringify(letter).slice(0, 200)}`);
      }
      expect(problems).toEqual([]);
      expect(letters).toHaveLength(sent.length);
    } finally {
      await publisher.endAsync();
      await ingest.stop();
      await broker.stop();
    }
  });
});
