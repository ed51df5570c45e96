// Ground truth for the fault suite: a deterministic plan of meter messages (device, seq, ts, values)
// and a ledger of every publish the broker acknowledged. Totalizers advance by whole millilitres, so
// the exact volume each meter passed is known (integer mL, as core/domain/water/volume-units.ts counts).
import { meterTopic } from '../../../core/domain/messages/topics.ts';
import { m3ToMl } from '../../../core/domain/water/volume-units.ts';

const BASE_TOTALIZER_ML = 1_000_000_000;

export interface PlannedMessage {
  readonly meterId: string;
  readonly seq: number;
  readonly tsMs: number;
  readonly flowM3PerHour: number;
  readonly totalizerM3: number;
}

export interface LoadPlanOptions {
  readonly meterIds: readonly string[];
  readonly messagesPerDevice: number;
  /** ts of seq 0. */
  readonly startMs: number;
  /** Device clock step between two messages of one device. */
  readonly intervalMs: number;
}

/** The plan: seq-major order (every device's seq k before any seq k+1), like a fleet reporting in rounds. */
export class LoadPlan {
  private readonly totalizersMl: Map<string, Float64Array>;

  constructor(readonly options: LoadPlanOptions) {
    this.totalizersMl = new Map(
      options.meterIds.map((id, d) => {
        const totals = new Float64Array(options.messagesPerDevice);
        let total = BASE_TOTALIZER_ML + d * 1_000;
        for (let k = 0; k < totals.length; k++) {
          total += 1_000 + ((k * 7_919 + d * 31) % 5_000);
          totals[k] = total;
        }
        return [id, totals];
      }),
    );
  }

  get size(): number {
    return this.options.meterIds.length * this.options.messagesPerDevice;
  }

  /** The i-th message in publishing order. */
  at(i: number): PlannedMessage {
    const { meterIds, startMs, intervalMs } = this.options;
    const d = i % meterIds.length;
    const seq = Math.floor(i / meterIds.length);
    const meterId = meterIds[d]!;
    return {
      meterId,
      seq,
      tsMs: startMs + seq * intervalMs + d,
      flowM3PerHour: 100 + d + (seq % 50) / 4,
      totalizerM3: this.totalizersMl.get(meterId)![seq]! / 1_000_000,
    };
  }

  /** ts of the last message of the plan (the latest ts any device reports). */
  get lastTsMs(): number {
    return this.options.startMs + (this.options.messagesPerDevice - 1) * this.options.intervalMs + this.options.meterIds.length;
  }
}

export function topicOf(message: PlannedMessage): string {
  return meterTopic(message.meterId);
}

export function payloadOf(message: PlannedMessage): Buffer {
  return Buffer.from(JSON.stringify({ ts: message.tsMs, flow_m3h: message.flowM3PerHour, totalizer_m3: message.totalizerM3, seq: message.seq }));
}

/** Every message the broker acknowledged (PUBACK), by device and seq; a resend of the same message counts once. */
export class Ledger {
  private readonly byDevice = new Map<string, Map<number, PlannedMessage>>();
  /** PUBACKs received, resends and replays included. */
  acknowledgedPublishes = 0;

  record(message: PlannedMessage): void {
    this.acknowledgedPublishes++;
    let device = this.byDevice.get(message.meterId);
    if (!device) this.byDevice.set(message.meterId, (device = new Map()));
    device.set(message.seq, message);
  }

  get distinct(): number {
    let n = 0;
    for (const device of this.byDevice.values()) n += device.size;
    return n;
  }

  devices(): string[] {
    return [...this.byDevice.keys()].sort();
  }

  /** Acknowledged messages of a device, ascending by ts. */
  messagesOf(meterId: string): PlannedMessage[] {
    return [...(this.byDevice.get(meterId)?.values() ?? [])].sort((a, b) => a.tsMs - b.tsMs);
  }

  /** The exact volume a meter passed between its first and last acknowledged reading, in mL. */
  expectedVolumeMl(meterId: string): number {
    const messages = this.messagesOf(meterId);
    if (messages.length < 2) return 0;
    return m3ToMl(messages.at(-1)!.totalizerM3) - m3ToMl(messages[0]!.totalizerM3);
  }
}
