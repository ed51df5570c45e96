// The manager of ingest's operational alarms: owns the evaluation timer and the effects (metrics,
// log lines, retained MQTT messages) of the pure rules in core/domain/ops. observeRecords() sits on
// the intake's hot path after each journal append, so it does a Map lookup per reading with a seq and
// nothing else unless a gap shows.
import type { Logger } from 'pino';
import { opsAlarmTopic } from '../../core/domain/messages/topics.ts';
import { iso, OPS_ALARM_KINDS, opsSourceLevel, type OpsAlarm, type OpsAlarmChange, type OpsAlarmKind } from '../../core/domain/ops/ops-alarm.ts';
import { SeqGapTracker } from '../../core/domain/ops/seq-gap-tracker.ts';
import { acknowledgeSessionLost, INITIAL_SESSION_WATCH, onConnack, type SessionWatch } from '../../core/domain/ops/session-lost-alarm.ts';
import { backlogAgeMs, evaluateBacklog, type BacklogRuleConfig } from '../../core/domain/ops/store-backlog-rule.ts';
import { deviceKey } from '../../core/domain/readings.ts';
import type { Counter, MetricsRegistry } from '../../core/observability/metrics.ts';
import type { JournalRecord } from '../journal/journal-record.ts';
import { opsSnapshot, type OpsSnapshot } from './ops-snapshot.ts';

export interface OpsConfig {
  readonly backlog: BacklogRuleConfig;
  readonly evaluateIntervalMs: number;
  /** A seq at most this after a larger one is a device reboot. */
  readonly seqRestartMax: number;
}

export const DEFAULT_OPS_CONFIG: OpsConfig = { backlog: { raiseAtAgeMs: 30_000, clearBelowAgeMs: 10_000 }, evaluateIntervalMs: 5_000, seqRestartMax: 3 };

export interface OpsMonitorOptions {
  /** Ingest's MQTT client id: names the alarms' source. */
  readonly source: string;
  readonly config: OpsConfig;
  readonly registry: MetricsRegistry;
  readonly logger: Logger;
  readonly clock: () => number;
}

/** What start() needs from the running service. */
export interface OpsIo {
  /** Receive time of the oldest reading not yet in the store (the store writer's cursor). */
  readonly oldestPendingAt: () => number | undefined;
  /** Publishes retained at QoS 1; must not throw. */
  readonly publish: (topic: string, payload: string) => void;
}

export class OpsMonitor {
  readonly tracker: SeqGapTracker;
  private readonly logger: Logger;
  private readonly missing: Counter;
  private readonly restarts: Counter;
  private backlog: OpsAlarm | undefined;
  private session: SessionWatch = INITIAL_SESSION_WATCH;
  private io: OpsIo | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OpsMonitorOptions) {
    const { registry, config } = options;
    this.tracker = new SeqGapTracker({ restartSeqMax: config.seqRestartMax });
    this.logger = options.logger.child({ component: 'ops-alarms' });
    this.missing = registry.counter('ingest_seq_missing_total', 'Messages missing from device seq numbering (gaps), by device');
    this.restarts = registry.counter('ingest_seq_restarts_total', 'Device seq numbering restarting from a small number (reboots), by device');
    registry.gauge('ingest_ops_alarm_active', '1 while an operational alarm of ingest is active, by kind', () =>
      OPS_ALARM_KINDS.map((kind) => ({ labels: { kind }, value: this.alarm(kind)?.active ? 1 : 0 })),
    );
  }

  /** Evaluates the backlog rule now and every evaluateIntervalMs; the first evaluation also publishes its state, replacing what an earlier run left retained. */
  start(io: OpsIo): void {
    this.stop();
    this.io = io;
    this.evaluate(true);
    this.timer = setInterval(() => this.evaluate(false), this.options.config.evaluateIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.io = undefined;
  }

  /** Hot path: readings just appended to the journal, in arrival order. */
  observeRecords(records: readonly JournalRecord[]): void {
    for (const record of records) {
      if (record.t !== 'r' || record.r.seq === undefined) continue;
      const device = deviceKey(record.r);
      const seen = this.tracker.observe(device, record.r.seq, record.at);
      if (seen === 'gap') this.onGap(device);
      else if (seen === 'restart') {
        this.restarts.inc({ device });
        this.logger.info({ device, seq: record.r.seq }, 'device seq restarted (reboot)');
      }
    }
  }

  /** Every CONNACK: Session Present 0 after an earlier connection raises session-lost. */
  onConnack(sessionPresent: boolean): void {
    const { watch, change } = onConnack(this.session, sessionPresent, this.options.clock(), this.options.source);
    this.session = watch;
    if (change) this.announce(change);
  }

  /**
   * An operator acknowledged the session loss. Publishes a cleared state even when nothing is active
   * here, so a loss left retained by an earlier run of this ingest can be acknowledged too.
   */
  acknowledgeSessionLost(): OpsAlarm {
    const nowMs = this.options.clock();
    const { watch, change } = acknowledgeSessionLost(this.session, nowMs);
    this.session = watch;
    if (change) {
      this.announce(change);
      return change.alarm;
    }
    const at = iso(nowMs);
    const cleared: OpsAlarm = { kind: 'session-lost', source: this.options.source, active: false, raisedAt: at, changedAt: at, clearedAt: at, message: 'session loss acknowledged', detail: { occurrences: 0 } };
    this.publish(cleared);
    return cleared;
  }

  alarm(kind: OpsAlarmKind): OpsAlarm | undefined {
    return kind === 'store-backlog' ? this.backlog : this.session.alarm;
  }

  snapshot(): OpsSnapshot {
    const nowMs = this.options.clock();
    const ageMs = this.io ? backlogAgeMs({ nowMs, oldestPendingAtMs: this.io.oldestPendingAt() }) : 0;
    return opsSnapshot({ source: this.options.source, alarms: OPS_ALARM_KINDS.map((k) => this.alarm(k)), backlogAgeMs: ageMs, config: this.options.config, tracker: this.tracker });
  }

  private evaluate(first: boolean): void {
    if (!this.io) return;
    const nowMs = this.options.clock();
    const input = { nowMs, oldestPendingAtMs: this.io.oldestPendingAt() };
    const { alarm, change } = evaluateBacklog(this.backlog, input, this.options.config.backlog, this.options.source);
    this.backlog = alarm;
    if (change) this.announce(change);
    else if (first && !alarm?.active) {
      const at = iso(nowMs);
      this.publish({ kind: 'store-backlog', source: this.options.source, active: false, raisedAt: at, changedAt: at, clearedAt: at, message: 'no store backlog at start', detail: { oldestPendingAgeMs: backlogAgeMs(input), thresholdMs: this.options.config.backlog.raiseAtAgeMs } });
    }
  }

  private onGap(device: string): void {
    const gap = this.tracker.stats(device)?.lastGap;
    if (!gap) return;
    this.missing.inc({ device }, gap.missing);
    this.logger.warn({ device, expected: gap.expected, got: gap.got, missing: gap.missing }, 'seq gap: messages lost between the device and ingest');
  }

  private announce({ change, alarm }: OpsAlarmChange): void {
    const fields = { kind: alarm.kind, change, source: alarm.source, raisedAt: alarm.raisedAt, detail: alarm.detail };
    if (change === 'cleared') this.logger.info(fields, 'ops alarm cleared');
    else this.logger.error({ ...fields, message: alarm.message }, 'ops alarm raised');
    this.publish(alarm);
  }

  private publish(alarm: OpsAlarm): void {
    this.io?.publish(opsAlarmTopic(opsSourceLevel(alarm.source), alarm.kind), JSON.stringify(alarm));
  }
}
