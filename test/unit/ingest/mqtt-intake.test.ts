// The intake's group commit against a stand-in client and journal: every message is called back at
// once (mqtt.js writes its PUBACK then), but the socket holding those PUBACKs is uncorked only after
// the turn's records are in the journal, and dropped instead if the append fails.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { indexSite } from '../../../core/domain/site/site-schema.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import { createIngestMetrics } from '../../../ingest/ingest-metrics.ts';
import type { JournalRecord } from '../../../ingest/journal/journal-record.ts';
import type { Journal } from '../../../ingest/journal/journal.ts';
import { installIntake } from '../../../ingest/mqtt-intake.ts';
import { k14Site } from '../../fixtures/site.ts';

type Packet = Parameters<MqttClient['handleMessage']>[0];

function harness(options: { appendFails?: boolean; turnMessagesMax?: number } = {}) {
  const events: string[] = [];
  const socket = { cork: () => events.push('cork'), uncork: () => events.push('uncork'), destroy: () => events.push('destroy') };
  const client = { stream: socket } as unknown as MqttClient;
  const journal = {
    hasSpace: () => true,
    append(records: readonly JournalRecord[]) {
      if (options.appendFails) throw new Error('ENOSPC: no space left on device');
      events.push(`append ${records.length}`);
    },
  } as unknown as Journal;
  const intake = installIntake({
    client,
    journal,
    site: indexSite(k14Site()),
    limits: { maxPayloadBytes: 64 * 1024, maxFutureSkewMs: 300_000 },
    clock: () => 1_700_000_000_000,
    nextDeadLetterId: () => '1',
    metrics: createIngestMetrics(new MetricsRegistry()),
    logger: pino({ level: 'silent' }),
    ...(options.turnMessagesMax ? { turnMessagesMax: options.turnMessagesMax } : {}),
  });
  const deliver = (seq: number) =>
    client.handleMessage({ cmd: 'publish', topic: 'k14/meter/inf-z1', payload: Buffer.from(JSON.stringify({ flow_m3h: 12.5, quality: 'good', seq })), qos: 1, dup: false, retain: false } as Packet, (error?: Error) => events.push(error ? `refused ${seq}: ${error.message}` : `ack ${seq}`));
  return { events, deliver, intake };
}

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('MQTT intake group commit', () => {
  it('acknowledges at once into the corked socket and uncorks only after one append of the whole turn', async () => {
    const { events, deliver } = harness();
    deliver(1);
    deliver(2);
    deliver(3);
    expect(events).toEqual(['cork', 'ack 1', 'ack 2', 'ack 3']);
    await endOfTurn();
    expect(events).toEqual(['cork', 'ack 1', 'ack 2', 'ack 3', 'append 3', 'uncork']);
    deliver(4);
    await endOfTurn();
    expect(events.slice(6)).toEqual(['cork', 'ack 4', 'append 1', 'uncork']);
  });

  it('holds the callback of a turn\'s last message until the commit, so mqtt.js takes no more in that turn', async () => {
    const { events, deliver } = harness({ turnMessagesMax: 2 });
    deliver(1);
    deliver(2);
    expect(events).toEqual(['cork', 'ack 1']);
    await endOfTurn();
    expect(events).toEqual(['cork', 'ack 1', 'append 2', 'ack 2', 'uncork']);
  });

  it('after close, calls back with an error (no PUBACK) so mqtt.js goes on with the packets behind, and journals nothing more', async () => {
    const { events, deliver, intake } = harness();
    deliver(1);
    intake.close();
    deliver(2);
    await endOfTurn();
    expect(events).toEqual(['cork', 'ack 1', 'append 1', 'uncork', 'refused 2: ingest is stopping: not acknowledged, the broker keeps the message']);
  });

  it('drops the connection with the PUBACKs unsent when the append fails, so the broker redelivers', async () => {
    const { events, deliver } = harness({ appendFails: true });
    deliver(1);
    await endOfTurn();
    expect(events).toEqual(['cork', 'ack 1', 'destroy']);
  });
});
