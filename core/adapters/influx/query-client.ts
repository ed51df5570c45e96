// Reads over InfluxQL: GET /query?db=…&q=… with global fetch, chunked so no server row limit cuts a
// result short; a long query (hundreds of alarm keys) goes as a POST form instead, past the server's
// URL limit (HTTP 431). Unreachable, timed out, 5xx or refused credentials → StoreUnavailableError.
import { StoreUnavailableError } from '../../ports/telemetry-store.ts';
import type { InfluxqlSeries } from './influxql.ts';

const CHUNK_SIZE = 10_000;
/** Longer query strings are POSTed: servers refuse request lines and headers over ~8 KiB. */
const MAX_GET_QUERY_CHARS = 4_096;
/** Statuses that say "not now" or "not with these credentials" rather than "bad query". */
const UNAVAILABLE_STATUSES = new Set([401, 403, 404, 408, 429]);

export interface QueryClientOptions {
  readonly url: string;
  readonly token?: string;
  readonly database: string;
  readonly queryTimeoutMs: number;
  readonly pingTimeoutMs: number;
}

export interface QueryClient {
  /** One series list per statement of the query, in statement order. */
  query(influxql: string, options?: { epoch?: 'ms' }): Promise<InfluxqlSeries[][]>;
  /** Resolves when the server answers /ping; StoreUnavailableError otherwise. */
  ping(): Promise<void>;
}

export function createQueryClient(options: QueryClientOptions): QueryClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = options.token === undefined ? {} : { authorization: `Token ${options.token}` };

  const request = async (path: string, timeoutMs: number, form?: URLSearchParams): Promise<Response> => {
    const post = form === undefined ? {} : { method: 'POST', body: form };
    const attempt = () => fetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs), ...post });
    try {
      // A kept-alive connection the server (or a proxy) closed as it was reused fails at once with a
      // reset; reads are idempotent, so one fresh attempt tells that race from an InfluxDB that is down.
      return await attempt().catch((error: unknown) => (isConnectionReset(error) ? attempt() : Promise.reject(error)));
    } catch (error) {
      throw new StoreUnavailableError(`InfluxDB at ${baseUrl} did not answer: ${describeError(error)}`, { cause: error });
    }
  };

  const readBody = async (response: Response): Promise<string> => {
    try {
      return await response.text();
    } catch (error) {
      throw new StoreUnavailableError(`InfluxDB at ${baseUrl} broke off its answer: ${describeError(error)}`, { cause: error });
    }
  };

  return {
    async query(influxql, queryOptions = {}) {
      const params = new URLSearchParams({ db: options.database, q: influxql, chunked: 'true', chunk_size: String(CHUNK_SIZE) });
      if (queryOptions.epoch !== undefined) params.set('epoch', queryOptions.epoch);
      const query = params.toString();
      const response = query.length <= MAX_GET_QUERY_CHARS ? await request(`/query?${query}`, options.queryTimeoutMs) : await request('/query', options.queryTimeoutMs, params);
      const body = await readBody(response);
      if (response.status >= 500 || UNAVAILABLE_STATUSES.has(response.status)) {
        throw new StoreUnavailableError(`InfluxDB query failed with HTTP ${response.status}: ${body.slice(0, 500)}`);
      }
      if (!response.ok) throw new Error(`InfluxDB refused the query (HTTP ${response.status}): ${body.slice(0, 500)}; query: ${abbreviated(influxql)}`);
      return parseQueryResponse(body, influxql);
    },

    async ping() {
      const response = await request('/ping', options.pingTimeoutMs);
      await response.body?.cancel();
      // 1.x answers 204; 2.x and 3.x answer 200 or 204.
      if (response.status !== 204 && response.status !== 200) {
        throw new StoreUnavailableError(`InfluxDB at ${baseUrl} answered /ping with HTTP ${response.status}`);
      }
    },
  };
}

/**
 * A chunked answer is one JSON document per line, each holding a part of one or more statements'
 * results (a series can continue in the next chunk); an unchunked answer is the one-line case.
 */
export function parseQueryResponse(body: string, influxql: string): InfluxqlSeries[][] {
  const statements: InfluxqlSeries[][] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const document: unknown = JSON.parse(line);
    if (!isRecord(document)) throw new Error(`InfluxDB answered ${line.slice(0, 200)}; expected a results object`);
    if (typeof document.error === 'string') throw new Error(`InfluxDB query failed: ${document.error}; query: ${abbreviated(influxql)}`);
    if (!Array.isArray(document.results)) throw new Error(`InfluxDB answered ${line.slice(0, 200)}; expected results`);
    for (const result of document.results as unknown[]) {
      if (!isRecord(result) || typeof result.statement_id !== 'number') throw new Error(`InfluxDB answered a result without statement_id`);
      if (typeof result.error === 'string') throw new Error(`InfluxDB query failed: ${result.error}; query: ${abbreviated(influxql)}`);
      const series = (statements[result.statement_id] ??= []);
      if (Array.isArray(result.series)) series.push(...(result.series as unknown[]).map(toSeries));
    }
  }
  return statements;
}

function toSeries(value: unknown): InfluxqlSeries {
  if (!isRecord(value) || !Array.isArray(value.columns) || !value.columns.every((c) => typeof c === 'string')) {
    throw new Error('InfluxDB answered a series without columns');
  }
  const values = Array.isArray(value.values) ? (value.values as unknown[]) : [];
  if (!values.every(Array.isArray)) throw new Error('InfluxDB answered a series whose values are not rows');
  return {
    name: typeof value.name === 'string' ? value.name : '',
    ...(isRecord(value.tags) ? { tags: stringRecord(value.tags) } : {}),
    columns: value.columns as string[],
    values: values as unknown[][],
  };
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === 'string' ? v : String(v)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** fetch's "fetch failed" whose cause is the connection closing under it (not a refusal, not a timeout). */
function isConnectionReset(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return typeof cause === 'object' && cause !== null && 'code' in cause && RESET_CODES.has(String(cause.code));
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}

/** A query as quoted in an error: long ones (hundreds of statements) would bury the message. */
function abbreviated(influxql: string): string {
  return influxql.length <= 500 ? influxql : `${influxql.slice(0, 500)}… (${influxql.length} characters)`;
}
