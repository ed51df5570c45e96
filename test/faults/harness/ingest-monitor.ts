// Samples a running ingest once a second while a fault plays out: its gauges (store backlog, age of
// the oldest unwritten reading, journal full), resident memory from /proc, and GET /ops (the
// operational alarms and seq-gap counts). Keeps the time series so a scenario can ask when a
// condition first held.
import { metricSum, scrapeMetrics, type NodeService } from './node-service.ts';

export interface IngestSample {
  readonly atMs: number;
  readonly backlogBytes?: number;
  readonly oldestUnwrittenAgeS?: number;
  readonly journalFull?: number;
  readonly ackPausedTotal?: number;
  readonly sessionLostTotal?: number;
  readonly rssMiB?: number;
  readonly peakRssMiB?: number;
  /** Kinds of the active operational alarms (GET /ops), when it answered. */
  readonly activeAlarms?: readonly string[];
  /** ingest_ops_alarm_active{kind} = 1, from /metrics. */
  readonly activeAlarmMetrics: readonly string[];
}

export interface OpsBody {
  readonly alarms?: ReadonlyArray<{ kind: string; active: boolean }>;
  readonly seq?: { readonly missingTotal?: number; readonly recentGaps?: ReadonlyArray<{ device: string; expected: number; got: number; missing: number }> };
}

export class IngestMonitor {
  readonly samples: IngestSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly ingest: NodeService & { readonly metricsUrl: string; readonly opsUrl: string },
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sampleOnce(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sampleOnce(): Promise<IngestSample> {
    if (this.busy) return this.samples.at(-1) ?? { atMs: Date.now(), activeAlarmMetrics: [] };
    this.busy = true;
    try {
      const atMs = Date.now();
      const memory = this.ingest.memoryMiB();
      const [metrics, ops] = await Promise.all([scrapeMetrics(this.ingest.metricsUrl).catch(() => undefined), fetchOps(this.ingest.opsUrl)]);
      const activeAlarmMetrics = metrics ? [...metrics].filter(([series, value]) => series.startsWith('ingest_ops_alarm_active{') && value === 1).map(([series]) => /kind="([^"]+)"/.exec(series)?.[1] ?? series) : [];
      const sample: IngestSample = {
        atMs,
        ...(metrics
          ? {
              backlogBytes: metricSum(metrics, 'ingest_store_backlog_bytes'),
              oldestUnwrittenAgeS: metricSum(metrics, 'ingest_oldest_unwritten_age_seconds'),
              journalFull: metricSum(metrics, 'ingest_journal_full'),
              ackPausedTotal: metricSum(metrics, 'ingest_ack_paused_total'),
              sessionLostTotal: metricSum(metrics, 'ingest_mqtt_session_lost_total'),
            }
          : {}),
        ...(memory ? { rssMiB: memory.rss, peakRssMiB: memory.peak } : {}),
        ...(ops ? { activeAlarms: (ops.alarms ?? []).filter((a) => a.active).map((a) => a.kind) } : {}),
        activeAlarmMetrics,
      };
      this.samples.push(sample);
      return sample;
    } finally {
      this.busy = false;
    }
  }

  /** First sample at or after fromMs for which the predicate holds. */
  firstAfter(fromMs: number, predicate: (s: IngestSample) => boolean): IngestSample | undefined {
    return this.samples.find((s) => s.atMs >= fromMs && predicate(s));
  }

  max(field: 'backlogBytes' | 'oldestUnwrittenAgeS' | 'rssMiB' | 'peakRssMiB', fromMs = 0, toMs = Infinity): number {
    let max = 0;
    for (const s of this.samples) if (s.atMs >= fromMs && s.atMs <= toMs) max = Math.max(max, s[field] ?? 0);
    return max;
  }

  /** Seen the alarm active, on /ops or as the metric. */
  static alarmActive(sample: IngestSample, kind: string): boolean {
    return (sample.activeAlarms ?? []).includes(kind) || sample.activeAlarmMetrics.includes(kind);
  }
}

export async function fetchOps(opsUrl: string): Promise<OpsBody | undefined> {
  try {
    const response = await fetch(opsUrl, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as OpsBody;
  } catch {
    return undefined;
  }
}
