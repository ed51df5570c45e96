// The checker: compares what the store holds with the ledger, device by device and value by value.
// Missing = acknowledged but not stored; extra = stored but never acknowledged; mismatched = stored
// with other values than were published. Points are idempotent, so "distinct" is what the store counts.
import type { MeterReading } from '../../../core/domain/readings.ts';
import type { TelemetryStore, TimeRange } from '../../../core/ports/telemetry-store.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import type { Ledger, PlannedMessage } from './ledger.ts';

const MAX_EXAMPLES = 5;

export interface CheckResult {
  readonly expected: number;
  readonly stored: number;
  readonly missing: number;
  readonly extra: number;
  readonly mismatched: number;
  /** A few of each problem, for the assertion message. */
  readonly examples: string[];
}

export async function checkStoreAgainstLedger(store: TelemetryStore, ledger: Ledger, meterIds: readonly string[], range: TimeRange): Promise<CheckResult> {
  let expected = 0;
  let stored = 0;
  let missing = 0;
  let extra = 0;
  let mismatched = 0;
  const examples: string[] = [];
  const note = (text: string) => examples.length < MAX_EXAMPLES && examples.push(text);
  for (const meterId of meterIds) {
    const want = new Map(ledger.messagesOf(meterId).map((m) => [m.tsMs, m]));
    const got = await store.readMeterReadings(meterId, range);
    expected += want.size;
    stored += got.length;
    for (const reading of got) {
      const planned = want.get(reading.tsMs);
      if (!planned) {
        extra++;
        note(`extra ${meterId} ts=${reading.tsMs} seq=${reading.seq}`);
      } else if (!sameValues(reading, planned)) {
        mismatched++;
        note(`mismatch ${meterId} seq=${planned.seq}: stored ${JSON.stringify(reading)}`);
      }
      want.delete(reading.tsMs);
    }
    missing += want.size;
    for (const lost of [...want.values()].slice(0, 2)) note(`missing ${meterId} seq=${lost.seq}`);
  }
  return { expected, stored, missing, extra, mismatched, examples };
}

function sameValues(reading: MeterReading, planned: PlannedMessage): boolean {
  return reading.flowM3PerHour === planned.flowM3PerHour && reading.totalizerM3 === planned.totalizerM3 && reading.seq === planned.seq && reading.quality === 'good';
}

/** Waits until the store holds at least `count` meter readings in range (ingest caught up), or the deadline. */
export async function waitForStoredCount(store: TelemetryStore, count: number, range: TimeRange, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  await pollUntil(async () => ((await store.countReadings('meter', range)) >= count ? true : undefined), {
    description: `${count} readings in the store`,
    timeoutMs,
    intervalMs: 500,
  });
  return Date.now() - startedAt;
}

/** Stored count now, tolerating a store that does not answer (returns -1). */
export async function storedCount(store: TelemetryStore, range: TimeRange): Promise<number> {
  try {
    return await store.countReadings('meter', range);
  } catch {
    return -1;
  }
}
