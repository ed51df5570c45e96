// Lets InfluxDB 1.6 (which predates /api/v2/write) take v2 writes: POST /api/v2/write?bucket&precision
// becomes POST /write?db&precision; every other request passes unchanged. Bodies stream both ways
// and status codes and error bodies are kept, since the store adapter reads the 4xx body text.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** v2 precision names → the 1.x /write names. */
const PRECISION_V1: Readonly<Record<string, string>> = { ns: 'n', us: 'u', ms: 'ms', s: 's' };
/** Per-connection headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export interface InfluxV2WriteProxyOptions {
  /** The influxd 1.x base url, e.g. http://127.0.0.1:8086 */
  readonly targetUrl: string;
  /** Default: a free port. */
  readonly port?: number;
}

export interface RunningInfluxV2WriteProxy {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startInfluxV2WriteProxy(options: InfluxV2WriteProxyOptions): Promise<RunningInfluxV2WriteProxy> {
  const target = new URL(options.targetUrl);
  const server = createServer((req, res) => forward(target, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The 1.x path for a request path, or an error message for a v2 write it cannot translate. */
export function translatePath(pathAndQuery: string): { path: string } | { error: string } {
  const url = new URL(pathAndQuery, 'http://proxy');
  if (url.pathname !== '/api/v2/write') return { path: pathAndQuery };
  const bucket = url.searchParams.get('bucket');
  if (bucket === null || bucket === '') return { error: 'bucket is required' };
  const precision = PRECISION_V1[url.searchParams.get('precision') ?? 'ns'];
  if (precision === undefined) return { error: `precision must be one of ${Object.keys(PRECISION_V1).join(', ')}` };
  // A v1-compatible bucket name is "database/retention-policy".
  const slash = bucket.indexOf('/');
  const v1 = new URLSearchParams({ db: slash < 0 ? bucket : bucket.slice(0, slash), precision });
  if (slash >= 0 && slash < bucket.length - 1) v1.set('rp', bucket.slice(slash + 1));
  const consistency = url.searchParams.get('consistency');
  if (consistency !== null) v1.set('consistency', consistency);
  return { path: `/write?${v1.toString()}` };
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const translated = translatePath(req.url ?? '/');
  if ('error' in translated) {
    req.resume();
    sendJson(res, 400, { code: 'invalid', message: translated.error });
    return;
  }
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: translated.path,
      headers: forwardedRequestHeaders(req.headers, target.host),
      // A fresh connection per request: a keep-alive socket to an influxd that a fault test has
      // since restarted would turn the next request into a spurious 502.
      agent: false,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, withoutHopByHop(upstreamRes.headers));
      upstreamRes.pipe(res);
      upstreamRes.once('error', () => res.destroy());
    },
  );
  upstream.once('error', (error) => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 502, { error: `proxy: influxd unreachable: ${error.message}` });
  });
  // The client gave up (timeout, closed store): stop waiting on influxd too.
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function forwardedRequestHeaders(headers: IncomingHttpHeaders, host: string): IncomingHttpHeaders {
  const forwarded = withoutHopByHop(headers);
  forwarded.host = host;
  // InfluxDB 1.x knows Basic and Bearer (JWT) auth only; a v2 "Token" credential means nothing to it.
  if (typeof forwarded.authorization === 'string' && forwarded.authorization.startsWith('Token ')) delete forwarded.authorization;
  return forwarded;
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
