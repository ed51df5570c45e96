// Sequence-gap tracking per device (meter id, or room + counter): devices number their messages +1
// since boot (`seq`). Fed in arrival order: n+1 is normal; n+k (k > 1) is a gap of k-1 lost messages;
// seq ≤ n is a duplicate or redelivery (QoS 1, a device resending its backlog) and is ignored, except
// a drop back to a small seq (≤ restartSeqMax) after a larger one: the device rebooted, not a gap.
// Pure: receive times come in with each observation. Costs a Map lookup per reading.

export interface SeqGap {
  readonly device: string;
  /** The seq that was due (last + 1) and the one that came. */
  readonly expected: number;
  readonly got: number;
  readonly missing: number;
  readonly atMs: number;
}

export interface DeviceSeqStats {
  readonly lastSeq: number;
  readonly missing: number;
  readonly gaps: number;
  readonly duplicates: number;
  readonly restarts: number;
  readonly lastGap: SeqGap | undefined;
}

export type SeqObservation = 'first' | 'next' | 'gap' | 'duplicate' | 'restart';

export interface SeqGapTrackerOptions {
  /** A seq at most this, after a larger last seq, is a reboot. Default 3 (devices count from 0 or 1). */
  readonly restartSeqMax?: number;
  /** Most recent gaps kept over all devices. Default 100. */
  readonly recentGapLimit?: number;
}

interface MutableStats {
  lastSeq: number;
  missing: number;
  gaps: number;
  duplicates: number;
  restarts: number;
  lastGap: SeqGap | undefined;
}

export class SeqGapTracker {
  private readonly devices = new Map<string, MutableStats>();
  private readonly recent: SeqGap[] = [];
  private readonly restartSeqMax: number;
  private readonly recentGapLimit: number;
  private missingAll = 0;

  constructor(options: SeqGapTrackerOptions = {}) {
    this.restartSeqMax = options.restartSeqMax ?? 3;
    this.recentGapLimit = options.recentGapLimit ?? 100;
  }

  observe(device: string, seq: number, atMs: number): SeqObservation {
    const stats = this.devices.get(device);
    if (stats === undefined) {
      this.devices.set(device, { lastSeq: seq, missing: 0, gaps: 0, duplicates: 0, restarts: 0, lastGap: undefined });
      return 'first';
    }
    const last = stats.lastSeq;
    if (seq === last + 1) {
      stats.lastSeq = seq;
      return 'next';
    }
    if (seq > last) return this.gap(device, stats, seq, atMs);
    if (seq <= this.restartSeqMax && last > this.restartSeqMax) {
      stats.lastSeq = seq;
      stats.restarts++;
      return 'restart';
    }
    stats.duplicates++;
    return 'duplicate';
  }

  /** Missing messages over every device. */
  get missingTotal(): number {
    return this.missingAll;
  }

  stats(device: string): DeviceSeqStats | undefined {
    return this.devices.get(device);
  }

  /** Every device seen with a seq, by key. */
  allStats(): ReadonlyMap<string, DeviceSeqStats> {
    return this.devices;
  }

  /** Most recent gaps, newest last. */
  recentGaps(): readonly SeqGap[] {
    return this.recent;
  }

  private gap(device: string, stats: MutableStats, seq: number, atMs: number): SeqObservation {
    const gap: SeqGap = { device, expected: stats.lastSeq + 1, got: seq, missing: seq - stats.lastSeq - 1, atMs };
    stats.lastSeq = seq;
    stats.missing += gap.missing;
    stats.gaps++;
    stats.lastGap = gap;
    this.missingAll += gap.missing;
    this.recent.push(gap);
    if (this.recent.length > this.recentGapLimit) this.recent.shift();
    return 'gap';
  }
}
