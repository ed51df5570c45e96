// Writes line protocol to /api/v2/write through the client's transport: one HTTP request per batch,
// settled before we return. Not through its WriteApi, which measures every line's UTF-8 length into
// a buffer and retries on its own (≈ 1 µs a reading in a profiled drain): we batch and retry already.
// A 4xx batch is bisected down to the lines the server refuses; 5xx, timeouts and refused connections
// fail the whole call.
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpError, InfluxDB, RequestTimedOutError, type SendOptions } from '@influxdata/influxdb-client';
import { StoreUnavailableError } from '../../ports/telemetry-store.ts';

/**
 * Statuses that refuse lines rather than the request: 1.x answers 400 "partial write: …" (type
 * conflict, parse error) after storing the valid points, 2.x 422 for a type conflict, 413 a batch
 * too large. Any other 4xx (401, 403, 404, 408, 429) is about the server or credentials.
 */
const REFUSING_STATUSES = new Set([400, 413, 422]);

export interface LineWriterOptions {
  readonly url: string;
  readonly token?: string;
  readonly org: string;
  readonly bucket: string;
  readonly writeTimeoutMs: number;
  /** Lines per HTTP request; a call with more is sent in several requests, in order. */
  readonly maxLinesPerRequest: number;
  /** Compress request bodies: worth it over a slow link, CPU spent for nothing next to the server. */
  readonly gzip: boolean;
}

export interface RefusedLine {
  /** Index into the lines given to write(). */
  readonly index: number;
  /** The server's message, verbatim. */
  readonly reason: string;
}

export interface LineWriter {
  /** Resolves with the lines refused for good; all others are stored. Throws StoreUnavailableError. */
  write(lines: readonly string[]): Promise<RefusedLine[]>;
  close(): Promise<void>;
}

export function createLineWriter(options: LineWriterOptions): LineWriter {
  const agent = options.url.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true });
  const { transport } = new InfluxDB({
    url: options.url,
    token: options.token,
    timeout: options.writeTimeoutMs,
    // Our own agent, so close() can drop sockets the client leaves open after a timeout.
    transportOptions: { agent },
  });
  const path = `/api/v2/write?org=${encodeURIComponent(options.org)}&bucket=${encodeURIComponent(options.bucket)}&precision=ns`;
  const sendOptions: SendOptions = {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    // The transport gzips bodies above this size; undefined never does.
    ...(options.gzip ? { gzipThreshold: 1_000 } : {}),
  };
  let closed = false;

  /** undefined when stored; the server's message when it refused the lines. */
  const send = async (lines: string[]): Promise<string | undefined> => {
    try {
      await transport.request(path, lines.join('\n'), sendOptions);
      return undefined;
    } catch (error) {
      if (error instanceof HttpError && REFUSING_STATUSES.has(error.statusCode)) return serverMessage(error);
      // The client reports a timeout but leaves the request open; closing our sockets frees them
      // (a hung server would otherwise collect one per retry) and, through a proxy, may cancel the
      // request before it lands. It may still land: a timed-out write is "maybe written".
      if (error instanceof RequestTimedOutError) agent.destroy();
      throw unavailable(error);
    }
  };

  // Rewriting a half whose points were already stored is safe: a point overwrites itself.
  const writeOrBisect = async (lines: string[], offset: number, refused: RefusedLine[]): Promise<void> => {
    const reason = await send(lines);
    if (reason === undefined) return;
    if (lines.length === 1) {
      refused.push({ index: offset, reason });
      return;
    }
    const middle = Math.ceil(lines.length / 2);
    // In order, so the later of two points with the same identity still wins.
    await writeOrBisect(lines.slice(0, middle), offset, refused);
    await writeOrBisect(lines.slice(middle), offset + middle, refused);
  };

  return {
    async write(lines) {
      if (closed) throw new Error('the InfluxDB store is closed');
      const refused: RefusedLine[] = [];
      for (let start = 0; start < lines.length; start += options.maxLinesPerRequest) {
        await writeOrBisect(lines.slice(start, start + options.maxLinesPerRequest), start, refused);
      }
      return refused;
    },

    close() {
      closed = true;
      agent.destroy();
      return Promise.resolve();
    },
  };
}

/** 1.x: {"error": "…"}; 2.x and 3.x: {"message": "…"}; otherwise the body text. */
function serverMessage(error: HttpError): string {
  const json: unknown = error.json;
  if (typeof json === 'object' && json !== null) {
    if ('error' in json && typeof json.error === 'string') return json.error;
    if ('message' in json && typeof json.message === 'string') return json.message;
  }
  return error.body !== undefined && error.body !== '' ? error.body : error.message;
}

function unavailable(error: unknown): StoreUnavailableError {
  if (error instanceof HttpError) {
    return new StoreUnavailableError(`InfluxDB write failed with HTTP ${error.statusCode}: ${serverMessage(error)}`, { cause: error });
  }
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StoreUnavailableError(`InfluxDB write failed: ${message}${code}`, { cause: error });
}
