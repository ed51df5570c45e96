// aggregateMeterFlow in SQL: epoch-aligned buckets with mean flow, last known totalizer and count.
import type Database from 'better-sqlite3';
import type { FlowBucket, TimeRange } from '../../ports/telemetry-store.ts';

interface BucketRow {
  readonly start_ms: number;
  readonly mean_flow: number;
  readonly reading_count: number;
  readonly last_totalizer: number | null;
}

export type AggregateMeterFlow = (meterId: string, range: TimeRange, everyMs: number) => FlowBucket[];

export function prepareFlowBuckets(db: Database.Database): AggregateMeterFlow {
  // better-sqlite3 binds JS numbers as REAL; the CAST keeps the bucket division an integer one.
  // Integer division floors only for non-negative ts_ms, which holds for readings after 1970.
  // last_totalizer relies on SQLite's documented bare-column rule: alongside max(), the other
  // columns come from the row that holds the maximum.
  const buckets = db.prepare<{ meterId: string; everyMs: number } & TimeRange, BucketRow>(`
    WITH in_range AS (
      SELECT (ts_ms / CAST(@everyMs AS INTEGER)) * CAST(@everyMs AS INTEGER) AS start_ms, ts_ms, flow_m3h, totalizer_m3
      FROM meter_readings
      WHERE meter_id = @meterId AND ts_ms >= @fromMs AND ts_ms < @toMs
    ),
    flow AS (
      SELECT start_ms, avg(flow_m3h) AS mean_flow, count(*) AS reading_count FROM in_range GROUP BY start_ms
    ),
    last_totalizer AS (
      SELECT start_ms, totalizer_m3, max(ts_ms) FROM in_range WHERE totalizer_m3 IS NOT NULL GROUP BY start_ms
    )
    SELECT flow.start_ms, flow.mean_flow, flow.reading_count, last_totalizer.totalizer_m3 AS last_totalizer
    FROM flow LEFT JOIN last_totalizer USING (start_ms)
    ORDER BY flow.start_ms`);

  return (meterId, { fromMs, toMs }, everyMs) => {
    if (!Number.isSafeInteger(everyMs) || everyMs <= 0) throw new RangeError(`everyMs must be a positive integer, got ${everyMs}`);
    return buckets.all({ meterId, fromMs, toMs, everyMs }).map((row) => ({
      startMs: row.start_ms,
      meanFlowM3PerHour: row.mean_flow,
      lastTotalizerM3: row.last_totalizer,
      readingCount: row.reading_count,
    }));
  };
}
