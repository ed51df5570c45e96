// Sink of the store cursor: journal records → the telemetry store. Readings the store refuses for
// good (a 4xx) become dead letters with the server's message, so one bad line never blocks the rest.
import { captureRawPayload, type DeadLetter } from '../core/domain/dead-letter.ts';
import { devicePayloadOf, deviceTopicOf } from '../core/domain/messages/device-message.ts';
import { deviceKey, type Reading } from '../core/domain/readings.ts';
import type { TelemetryStore } from '../core/ports/telemetry-store.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import type { JournalRecord } from './journal/journal-record.ts';

export interface StoreSinkOptions {
  readonly store: TelemetryStore;
  readonly metrics: IngestMetrics;
  readonly clock: () => number;
}

export function storeSink(options: StoreSinkOptions): (records: readonly JournalRecord[]) => Promise<void> {
  const { store, metrics } = options;
  return async (records) => {
    const readings: Reading[] = [];
    const letters: DeadLetter[] = [];
    for (const record of records) {
      if (record.t === 'r') readings.push(record.r);
      else letters.push(record.d);
    }
    if (readings.length) {
      const { rejected } = await store.writeReadings(readings);
      metrics.pointsWritten.inc({}, readings.length - rejected.length);
      for (const { reading, reason } of rejected) {
        metrics.deadLetters.inc({ reason: 'store_rejected' });
        letters.push(rejectedLetter(reading, reason, options));
      }
    }
    if (letters.length) await store.writeDeadLetters(letters);
  };
}

function rejectedLetter(reading: Reading, reason: string, options: StoreSinkOptions): DeadLetter {
  return {
    id: refusedReadingId(reading),
    receivedAtMs: options.clock(),
    topic: deviceTopicOf(reading),
    reason: 'store_rejected',
    detail: reason,
    ...captureRawPayload(Buffer.from(JSON.stringify(devicePayloadOf(reading)))),
    status: 'pending',
  };
}

/** Derived from the reading itself, so a retried batch overwrites its dead letters instead of adding more. */
function refusedReadingId(reading: Reading): string {
  let hash = 0x811c9dc5;
  for (const char of deviceKey(reading)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return (BigInt(reading.tsMs) * 1_000_000n + BigInt(hash % 1_000_000)).toString();
}
