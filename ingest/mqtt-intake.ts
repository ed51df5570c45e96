// The MQTT side of ingest: parse → validate → normalise → journal, then acknowledge, as a group
// commit. mqtt.js writes a message's PUBACK as soon as handleMessage calls back, and waits for that
// before it handles the next message, so the intake calls back at once but first corks the socket:
// the PUBACKs of one event-loop turn (one socket read, often hundreds of messages) wait in the socket
// until the end of the turn, when the turn's records go into the journal in one write and only then
// the socket is uncorked. No acknowledgement leaves before its message is journalled, and a turn
// costs one file write and one socket write instead of one of each per message. A turn takes at most
// turnMessagesMax messages: the last one's callback waits for the commit, and mqtt.js handles no
// further message until it comes. Draining a broker backlog, turns otherwise grew to all the socket
// held (≈ 19,000 messages, 150 ms), and the store writer and live publisher, which get a step per
// turn, fell far behind. (Pausing the socket does not hold: its pipe into mqtt.js resumes it on
// drain.) If the append fails the connection is dropped with the PUBACKs unsent, so the broker
// redelivers those messages. While the journal is full no callback comes and the broker keeps the
// backlog.
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { captureRawPayload, type DeadLetter } from '../core/domain/dead-letter.ts';
import { validateDeviceMessage, type ValidationLimits } from '../core/domain/messages/validate-message.ts';
import type { SiteIndex } from '../core/domain/site/site-schema.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import type { JournalRecord } from './journal/journal-record.ts';
import type { Journal } from './journal/journal.ts';

export interface IntakeOptions {
  readonly client: MqttClient;
  readonly journal: Journal;
  readonly site: SiteIndex;
  readonly limits: ValidationLimits;
  readonly clock: () => number;
  readonly nextDeadLetterId: (receivedAtMs: number) => string;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** Messages one event-loop turn takes in before the intake waits for the turn's commit (default 2,000). */
  readonly turnMessagesMax?: number;
  /** Called with the records of each group once they are in the journal (hot path: keep it cheap). */
  readonly onAppended?: (records: readonly JournalRecord[]) => void;
}

export interface Intake {
  /** Journals the current group; from then on nothing more is acknowledged (the broker keeps it). */
  close(): void;
}

type HandleMessage = MqttClient['handleMessage'];

interface CorkableSocket {
  cork(): void;
  uncork(): void;
  destroy(): void;
}

/** The messages acknowledged in this event-loop turn, their PUBACKs held in the corked socket. */
interface Group {
  readonly socket: CorkableSocket;
  readonly records: JournalRecord[];
  messages: number;
  /** The callback of the turn's last message, held so that mqtt.js takes no more until the commit. */
  heldAck?: () => void;
}

// After close: no PUBACK (the broker keeps the message), but mqtt.js goes on with the packets behind
// it. Left without a callback it would stall, and the PUBACKs of the live publisher's last publishes,
// queued behind, would never arrive, hanging shutdown (seen once in the SIGTERM fault test: 30 s, exit 1).
const NOT_ACKNOWLEDGED = new Error('ingest is stopping: not acknowledged, the broker keeps the message');
const refuse = (ack: ((error?: Error) => void) | undefined): void => ack?.(NOT_ACKNOWLEDGED);

export function installIntake(options: IntakeOptions): Intake {
  const { client, journal, metrics, logger } = options;
  const turnMessagesMax = options.turnMessagesMax ?? 2_000;
  let closed = false;
  let group: Group | undefined;

  const commit = (): void => {
    const committing = group;
    group = undefined;
    if (!committing) return;
    try {
      journal.append(committing.records);
    } catch (error) {
      metrics.journalErrors.inc();
      logger.error({ err: error }, 'journal append failed; dropping the connection so the broker redelivers the unacknowledged messages');
      committing.socket.destroy();
      return;
    }
    // An observer's failure must never hold the acknowledgement of a journalled message.
    try {
      options.onAppended?.(committing.records);
    } catch (error) {
      logger.error({ err: error }, 'journal append observer failed');
    }
    committing.heldAck?.();
    committing.socket.uncork();
  };

  const accept = (records: readonly JournalRecord[], ack: ((error?: Error) => void) | undefined): void => {
    if (closed) return refuse(ack);
    if (!group) {
      const socket = client.stream as unknown as CorkableSocket;
      socket.cork();
      group = { socket, records: [], messages: 0 };
      setImmediate(commit);
    }
    for (const record of records) group.records.push(record);
    if (++group.messages < turnMessagesMax) ack?.();
    else if (ack) group.heldAck = ack;
  };

  const handleMessage: HandleMessage = (packet, callback) => {
    if (closed) return refuse(callback);
    const receivedAtMs = options.clock();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const records = toRecords(packet.topic, payload, receivedAtMs, options);
    // The callback passed on as it is: a closure per message is measurable at 50,000 messages a second.
    if (journal.hasSpace()) return accept(records, callback);
    commit();
    metrics.ackPaused.inc();
    logger.warn({ pendingBytes: journal.pendingBytes }, 'journal full: acknowledgements paused until the store catches up');
    journal.waitForSpace().then(() => accept(records, callback), () => {});
  };
  client.handleMessage = handleMessage;

  return {
    close() {
      commit();
      closed = true;
    },
  };
}

function toRecords(topic: string, payload: Buffer, receivedAtMs: number, options: IntakeOptions): JournalRecord[] {
  const { metrics } = options;
  metrics.messages.inc();
  const { limits, site } = options;
  const result = validateDeviceMessage(topic, payload, { maxPayloadBytes: limits.maxPayloadBytes, maxFutureSkewMs: limits.maxFutureSkewMs, site, receivedAtMs });
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
