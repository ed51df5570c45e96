// AlarmStore on InfluxDB: writes line protocol through the telemetry adapter's line writer (one request
// per change), reads with InfluxQL. Schema in alarm-schema.ts; Grafana reads the same measurements.
import { restore } from '../../domain/cleanroom/engine-snapshot.ts';
import type { AlarmChange, AlarmStore } from '../../ports/alarm-store.ts';
import { checkedLimit, keyTransitions, parseStoredAlarm, parseStoredTransition } from '../alarm-records.ts';
import { nsFromRfc3339, rowsOf, type Row } from '../influx/decode.ts';
import type { InfluxqlSeries } from '../influx/influxql.ts';
import { createLineWriter, type RefusedLine } from '../influx/line-writer.ts';
import { createQueryClient } from '../influx/query-client.ts';
import { alarmByIdQuery, alarmsQuery, snapshotQuery, storedTransitionKeysQuery, transitionsQuery } from './alarm-influxql.ts';
import { alarmLine, snapshotLine, transitionLine } from './alarm-lines.ts';
import { TRANSITION_FIELDS } from './alarm-schema.ts';
import { joinSnapshotParts } from './snapshot-chunks.ts';
import { distinctMs, timeTransitions, type StoredTransitionTime } from './transition-times.ts';

export interface InfluxAlarmStoreOptions {
  /** Base url, e.g. http://127.0.0.1:8086 */
  readonly url: string;
  /** Sent as `Authorization: Token …` on writes and reads. */
  readonly token?: string;
  /** Required by InfluxDB 2.x; ignored by 1.x. Default ''. */
  readonly org?: string;
  /**
   * Written to and read as the InfluxQL database. Its retention must keep points forever: the
   * snapshot sits at time 0 and alarms at their raisedAt, which a finite retention would drop.
   */
  readonly bucket: string;
  /** Default 10 s. */
  readonly writeTimeoutMs?: number;
  /** Per read, default 30 s. */
  readonly queryTimeoutMs?: number;
  /** gzip write bodies (default off). */
  readonly gzipWrites?: boolean;
  /** For start(), default 5 s. */
  readonly pingTimeoutMs?: number;
}

export function createInfluxAlarmStore(options: InfluxAlarmStoreOptions): AlarmStore {
  const writer = createLineWriter({
    url: options.url,
    token: options.token,
    org: options.org ?? '',
    bucket: options.bucket,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    // Above any change's size, so one change is one request: the snapshot lands with its transitions.
    maxLinesPerRequest: 100_000,
    gzip: options.gzipWrites ?? false,
  });
  const reader = createQueryClient({
    url: options.url,
    token: options.token,
    database: options.bucket,
    queryTimeoutMs: options.queryTimeoutMs ?? 30_000,
    pingTimeoutMs: options.pingTimeoutMs ?? 5_000,
  });
  const rows = async (influxql: string): Promise<Row[]> => statementRows((await reader.query(influxql))[0]);

  const storedTimes = async (msList: readonly number[]): Promise<StoredTransitionTime[]> => {
    if (msList.length === 0) return [];
    const statements = await reader.query(storedTransitionKeysQuery(msList));
    return statements.flatMap(statementRows).map((row) => ({ key: text(row, TRANSITION_FIELDS.transitionKey), timeNs: BigInt(nsFromRfc3339(text(row, 'time'))) }));
  };

  const save = async (change: AlarmChange): Promise<void> => {
    const keyed = keyTransitions(change);
    const timed = timeTransitions(keyed, await storedTimes(distinctMs(keyed)));
    // Every line encoded before anything is sent; the snapshot last, after what it accounts for.
    const lines = [...timed.map(({ entry, timeNs }) => transitionLine(entry, timeNs)), ...change.alarms.map(alarmLine), snapshotLine(change.snapshot)];
    throwIfRefused(await writer.write(lines));
  };

  // Offsets are read, then written: two saves in flight at once could hand out the same offset.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    start: () => reader.ping(),
    close: () => writer.close(),

    saveChanges(change) {
      const saved = queue.then(() => save(change));
      queue = saved.catch(() => undefined);
      return saved;
    },

    async loadSnapshot() {
      const [row] = await rows(snapshotQuery());
      return row === undefined ? undefined : restore(JSON.parse(joinSnapshotParts(row)));
    },

    async getAlarm(alarmId) {
      const [row] = await rows(alarmByIdQuery(alarmId));
      return row === undefined ? undefined : parseStoredAlarm(text(row, 'json'));
    },

    async listAlarms(query) {
      const limit = checkedLimit(query.limit);
      if (limit === 0) return [];
      const alarms = (await rows(alarmsQuery(query, limit))).map((row) => parseStoredAlarm(text(row, 'json')));
      // Points of different series at one time come back in no promised order; make it stable.
      return alarms.sort((a, b) => b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async listTransitions(query) {
      const limit = checkedLimit(query.limit);
      if (limit === 0) return [];
      return (await rows(transitionsQuery(query, limit))).map((row) => parseStoredTransition(text(row, 'json')));
    },
  };
}

function statementRows(series: readonly InfluxqlSeries[] | undefined): Row[] {
  return (series ?? []).flatMap(rowsOf);
}

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`InfluxDB returned ${column} = ${JSON.stringify(value)}; expected a string`);
  return value;
}

/** A refused line is not transient (a type conflict, a point outside retention): retrying will not help. */
function throwIfRefused(refused: readonly RefusedLine[]): void {
  const first = refused[0];
  if (first === undefined) return;
  throw new Error(`InfluxDB refused ${refused.length} line(s) of an alarm change, the others are stored: ${first.reason}`);
}
