// Sink of the live cursor: validated readings → the normalised live topic, QoS 1, committed after
// the broker's PUBACK, so the engines see every reading at least once and in journal order.
import type { MqttClient } from 'mqtt';
import { LIVE_READINGS_TOPIC, type LiveReadingsPayload } from '../core/domain/messages/topics.ts';
import type { Reading } from '../core/domain/readings.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import type { JournalRecord } from './journal/journal-record.ts';

export function livePublisherSink(client: MqttClient, metrics: IngestMetrics): (records: readonly JournalRecord[]) => Promise<void> {
  return async (records) => {
    const readings: Reading[] = [];
    for (const record of records) if (record.t === 'r') readings.push(record.r);
    if (readings.length === 0) return;
    const payload: LiveReadingsPayload = { readings };
    await client.publishAsync(LIVE_READINGS_TOPIC, JSON.stringify(payload), { qos: 1 });
    metrics.livePublished.inc({}, readings.length);
  };
}
