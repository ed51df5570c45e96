// The HTTP side of a standalone ingest process (INGEST_HTTP_PORT): /health, /metrics (Prometheus) and
// the operational alarms. Unauthenticated like /metrics: an internal port, never published (docs).
//   GET  /ops                          → OpsSnapshot (ops-snapshot.ts)
//   POST /ops/alarms/session-lost/ack  → the cleared alarm (an operator took note of the loss)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsRegistry } from '../../core/observability/metrics.ts';
import type { OpsMonitor } from './ops-monitor.ts';

export interface IngestHttpDeps {
  readonly registry: MetricsRegistry;
  /** Absent until ingest started. */
  readonly ops: () => OpsMonitor | undefined;
}

export function ingestHttpHandler(deps: IngestHttpDeps): (request: IncomingMessage, response: ServerResponse) => void {
  const json = (response: ServerResponse, status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return (request, response) => {
    const url = (request.url ?? '/').split('?')[0];
    const method = request.method ?? 'GET';
    if (method === 'GET' && url === '/metrics') response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(deps.registry.render());
    else if (method === 'GET' && url === '/health') json(response, 200, { status: 'ok' });
    else if (url === '/ops' || url === '/ops/alarms/session-lost/ack') {
      const ops = deps.ops();
      if (!ops) json(response, 503, { error: { code: 'NOT_STARTED', message: 'ingest is starting' } });
      else if (method === 'GET' && url === '/ops') json(response, 200, ops.snapshot());
      else if (method === 'POST' && url !== '/ops') json(response, 200, { alarm: ops.acknowledgeSessionLost() });
      else json(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} ${url}` } });
    } else response.writeHead(404).end();
  };
}
