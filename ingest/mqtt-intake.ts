// The MQTT side of ingest: parse → validate → normalise → journal, then acknowledge. mqtt.js sends the
// PUBACK when handleMessage calls back, so the callback comes only after the journal append; while
// the journal is full no callback comes and the broker keeps the backlog.
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { captureRawPayload, type DeadLetter } from '../core/domain/dead-letter.ts';
import { validateDeviceMessage, type ValidationLimits } from '../core/domain/messages/validate-message.ts';
import type { SiteIndex } from '../core/domain/site/site-schema.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import type { JournalRecord } from './journal/journal-record.ts';
import type { Journal } from './journal/journal.ts';

const APPEND_RETRY_MS = 1000;

export interface IntakeOptions {
  readonly client: MqttClient;
  readonly journal: Journal;
  readonly site: SiteIndex;
  readonly limits: ValidationLimits;
  readonly clock: () => number;
  readonly nextDeadLetterId: (receivedAtMs: number) => string;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** Called with the records of each message once they are in the journal (hot path: keep it cheap). */
  readonly onAppended?: (records: readonly JournalRecord[]) => void;
}

export interface Intake {
  /** From now on nothing more is acknowledged; unacknowledged messages stay with the broker. */
  close(): void;
}

type HandleMessage = MqttClient['handleMessage'];

export function installIntake(options: IntakeOptions): Intake {
  const { client, journal, metrics, logger } = options;
  let closed = false;
  const retryTimers = new Set<NodeJS.Timeout>();

  const appendThenAck = (records: JournalRecord[], ack: () => void): void => {
    if (closed) return;
    try {
      journal.append(records);
    } catch (error) {
      metrics.journalErrors.inc();
      logger.error({ err: error }, 'journal append failed; holding the acknowledgement and retrying');
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        appendThenAck(records, ack);
      }, APPEND_RETRY_MS);
      retryTimers.add(timer);
      return;
    }
    // An observer's failure must never hold the acknowledgement of a journalled message.
    try {
      options.onAppended?.(records);
    } catch (error) {
      logger.error({ err: error }, 'journal append observer failed');
    }
    ack();
  };

  const handleMessage: HandleMessage = (packet, callback) => {
    if (closed) return;
    const receivedAtMs = options.clock();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const records = toRecords(packet.topic, payload, receivedAtMs, options);
    const ack = () => callback?.();
    if (journal.hasSpace()) return appendThenAck(records, ack);
    metrics.ackPaused.inc();
    logger.warn({ pendingBytes: journal.pendingBytes }, 'journal full: acknowledgements paused until the store catches up');
    journal.waitForSpace().then(() => appendThenAck(records, ack), () => {});
  };
  client.handleMessage = handleMessage;

  return {
    close() {
      closed = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
    },
  };
}

function toRecords(topic: string, payload: Buffer, receivedAtMs: number, options: IntakeOptions): JournalRecord[] {
  const { metrics } = options;
  metrics.messages.inc();
  const result = validateDeviceMessage(topic, payload, { ...options.limits, site: options.site, receivedAtMs });
  const records: JournalRecord[] = result.readings.map((r) => ({ t: 'r', at: receivedAtMs, r }));
  if (result.readings.length) metrics.readings.inc({}, result.readings.length);
  for (const part of result.refused) {
    metrics.deadLetters.inc({ reason: part.reason });
    const letter: DeadLetter = {
      id: options.nextDeadLetterId(receivedAtMs),
      receivedAtMs,
      topic,
      reason: part.reason,
      detail: part.detail,
      ...captureRawPayload(part.raw),
      status: 'pending',
    };
    records.push({ t: 'd', d: letter });
  }
  return records;
}
