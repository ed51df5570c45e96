// TelemetryStore on InfluxDB: writes line protocol via /api/v2/write (2.x, 3.x, 1.8+, or 1.x behind
// a translating proxy), reads with InfluxQL at /query. Schema in schema.ts.
import type { RejectedReading, TelemetryStore } from '../../ports/telemetry-store.ts';
import {
  deadLetterFromRow,
  flowBucketFromRow,
  hasNullSum,
  meterReadingFromRow,
  particleSampleFromRow,
  replacementFromRow,
  rollupFromRow,
  rollupSumFromRow,
  rowsOf,
  timeFromRow,
  type Row,
} from './decode.ts';
import { deadLetterLine, readingLine, replacementLine, rollupLine, SeriesKeys } from './encode.ts';
import {
  boundingReadingsQuery,
  countQuery,
  deadLettersQuery,
  latestReadingsQuery,
  latestRollupQuery,
  meterFlowQuery,
  meterReadingsQuery,
  particleSamplesQuery,
  replacementsQuery,
  rollupsQuery,
  rollupSumQuery,
  type InfluxqlSeries,
} from './influxql.ts';
import { createLineWriter, type RefusedLine } from './line-writer.ts';
import { LineProtocolError } from './line-protocol.ts';
import { createQueryClient } from './query-client.ts';

export interface InfluxStoreOptions {
  /** Base url, e.g. http://127.0.0.1:8086 */
  readonly url: string;
  /** Sent as `Authorization: Token …` on writes and reads. */
  readonly token?: string;
  /** Required by InfluxDB 2.x; ignored by 1.x. Default ''. */
  readonly org?: string;
  /** The bucket written to; reads use it as the InfluxQL database (2.x: through a DBRP mapping). */
  readonly bucket: string;
  /** How long a write request may go unanswered (socket idle time), default 10 s. */
  readonly writeTimeoutMs?: number;
  /** Per read, default 30 s. */
  readonly queryTimeoutMs?: number;
  /** For start(), default 5 s. */
  readonly pingTimeoutMs?: number;
  /** Default 5,000. */
  readonly maxLinesPerRequest?: number;
  /** gzip write bodies (default off: for a server across a slow link, not one next door). */
  readonly gzipWrites?: boolean;
}

export function createInfluxStore(options: InfluxStoreOptions): TelemetryStore {
  const seriesKeys = new SeriesKeys();
  const writer = createLineWriter({
    url: options.url,
    token: options.token,
    org: options.org ?? '',
    bucket: options.bucket,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    maxLinesPerRequest: options.maxLinesPerRequest ?? 5_000,
    gzip: options.gzipWrites ?? false,
  });
  const reader = createQueryClient({
    url: options.url,
    token: options.token,
    database: options.bucket,
    queryTimeoutMs: options.queryTimeoutMs ?? 30_000,
    pingTimeoutMs: options.pingTimeoutMs ?? 5_000,
  });
  const rows = async (influxql: string, epoch?: 'ms'): Promise<Row[]> =>
    statementRows((await reader.query(influxql, epoch === undefined ? {} : { epoch }))[0]);

  return {
    start: () => reader.ping(),
    close: () => writer.close(),

    async writeReadings(readings) {
      // Refusals are reported in input order, whether we or the server refused.
      const rejected: { index: number; entry: RejectedReading }[] = [];
      const lines: string[] = [];
      /** Index in readings of each line's reading. */
      const owners: number[] = [];
      readings.forEach((reading, index) => {
        try {
          lines.push(readingLine(reading, seriesKeys));
          owners.push(index);
        } catch (error) {
          if (!(error instanceof LineProtocolError)) throw error;
          rejected.push({ index, entry: { reading, reason: error.message } });
        }
      });
      for (const refused of await writer.write(lines)) {
        const owner = owners[refused.index];
        if (owner !== undefined) rejected.push({ index: owner, entry: { reading: readings[owner]!, reason: refused.reason } });
      }
      return { rejected: rejected.sort((a, b) => a.index - b.index).map((r) => r.entry) };
    },

    async writeDeadLetters(letters) {
      const lines = letters.map((letter) => deadLetterLine(letter));
      throwIfRefused('dead letter', await writer.write(lines), (index) => letters[index]?.id);
    },

    async readMeterReadings(meterId, range) {
      return (await rows(meterReadingsQuery(meterId, range), 'ms')).map(meterReadingFromRow);
    },

    async readParticleSamples(filter, range) {
      return (await rows(particleSamplesQuery(filter, range), 'ms')).map(particleSampleFromRow);
    },

    async aggregateMeterFlow(meterId, range, everyMs) {
      return (await rows(meterFlowQuery(meterId, range, everyMs), 'ms')).map(flowBucketFromRow);
    },

    async countReadings(kind, range) {
      const [row] = await rows(countQuery(kind, range), 'ms');
      return row === undefined ? 0 : countValue(row.count);
    },

    async latestReadings() {
      const [meters, particles] = await reader.query(latestReadingsQuery(), { epoch: 'ms' });
      return [...statementRows(meters).map(meterReadingFromRow), ...statementRows(particles).map(particleSampleFromRow)];
    },

    async listDeadLetters(query) {
      const influxql = deadLettersQuery(query);
      // No epoch: RFC 3339 times keep every ns digit of the id, which a JSON number would not.
      return influxql === undefined ? [] : (await rows(influxql)).map(deadLetterFromRow);
    },

    async boundingMeterReadings(meterId, range) {
      const [before, after] = (await reader.query(boundingReadingsQuery(meterId, range), { epoch: 'ms' })).map((series) => statementRows(series)[0]);
      return { ...(before === undefined ? {} : { before: meterReadingFromRow(before) }), ...(after === undefined ? {} : { after: meterReadingFromRow(after) }) };
    },

    async writeRollups(rollups) {
      // All encoded first, so a value the protocol cannot carry refuses the call before anything is
      // sent; the writer then sends maxLinesPerRequest lines per request.
      const lines = rollups.map((rollup) => rollupLine(rollup));
      throwIfRefused('rollup', await writer.write(lines), (index) => {
        const rollup = rollups[index];
        return rollup === undefined ? undefined : `${rollup.period} ${rollup.meterId} ${new Date(rollup.startMs).toISOString()}`;
      });
    },

    async readRollups(query) {
      const influxql = rollupsQuery(query);
      if (influxql === undefined) return [];
      // Points of different series at one time come back in no promised order.
      return (await rows(influxql, 'ms')).map(rollupFromRow).sort((a, b) => a.startMs - b.startMs || byCodeUnits(a.meterId, b.meterId));
    },

    async sumRollups(query) {
      const influxql = rollupSumQuery(query);
      if (influxql === undefined) return [];
      let sums = await rows(influxql, 'ms');
      // A point's fields become visible to readers one by one: a read racing the rollup job's write
      // summed one field of a point and not yet the others (volume_ml = null, seen at API start).
      if (sums.some(hasNullSum)) sums = await sleep(PARTIAL_POINT_RETRY_MS).then(() => rows(influxql, 'ms'));
      return sums.map(rollupSumFromRow).sort((a, b) => byCodeUnits(a.meterId, b.meterId));
    },

    async latestRollupStart(period) {
      const [row] = await rows(latestRollupQuery(period), 'ms');
      return row === undefined ? undefined : timeFromRow(row);
    },

    async writeMeterReplacement(replacement) {
      throwIfRefused('meter replacement', await writer.write([replacementLine(replacement)]), () => replacement.meterId);
    },

    async listMeterReplacements(meterId) {
      return (await rows(replacementsQuery(meterId), 'ms')).map(replacementFromRow).sort((a, b) => a.atMs - b.atMs || byCodeUnits(a.meterId, b.meterId));
    },
  };
}

function statementRows(series: readonly InfluxqlSeries[] | undefined): Row[] {
  return (series ?? []).flatMap(rowsOf);
}

const NAMED_REFUSALS = 5;
/** Long enough for influxd to finish writing the point a read saw only in part. */
const PARTIAL_POINT_RETRY_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function throwIfRefused(what: string, refused: readonly RefusedLine[], name: (index: number) => string | undefined): void {
  const first = refused[0];
  if (first === undefined) return;
  const names = refused.slice(0, NAMED_REFUSALS).map((r) => name(r.index));
  const more = refused.length > NAMED_REFUSALS ? ', …' : '';
  throw new Error(`InfluxDB refused ${refused.length} ${what}(s) (${names.join(', ')}${more}), the others are stored: ${first.reason}`);
}

/** The order SQLite's BINARY collation gives for ids without characters beyond U+FFFF. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function countValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`InfluxDB returned count = ${JSON.stringify(value)}`);
  return value;
}
