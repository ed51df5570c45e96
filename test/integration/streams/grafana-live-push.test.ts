// Grafana Live push of alarm transitions. No Grafana can run on these machines: a local HTTP server
// stands in for Grafana's /api/live/push endpoint and records what it was sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GrafanaLivePush } from '../../../api/streams/grafana-live-push.ts';
import { cleanroomConfig } from '../../../core/domain/cleanroom/cleanroom-config.ts';
import { applySample, createEngineState } from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import { pollUntil } from '../../harness/poll-until.ts';
import { aParticleSample } from '../../fixtures/readings.ts';
import { k14Site } from '../../fixtures/site.ts';

interface Received {
  url: string;
  authorization: string | undefined;
  body: string;
}

describe('Grafana Live push (a local HTTP receiver stands in for Grafana)', () => {
  let server: Server;
  let url: string;
  let received: Received[];
  let failNext: number;

  beforeEach(async () => {
    received = [];
    failNext = 0;
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (failNext-- > 0) return response.writeHead(503).end('busy');
        received.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const anExcursion = () => {
    const config = cleanroomConfig(k14Site());
    const ts = Date.UTC(2026, 5, 1);
    return applySample(createEngineState(config, ts), aParticleSample({ tsMs: ts, counts: { '0.5': 110_000 } }), config, ts + 50);
  };

  it('posts each transition as line protocol to the stream, with the service-account token', async () => {
    const push = new GrafanaLivePush({ url, token: 'glsa_test', stream: 'k14_alarms', logger: pino({ level: 'silent' }) });
    const change = anExcursion();
    expect(change.transitions).toHaveLength(1);
    push.push(change);
    await pollUntil(() => (received.length ? true : undefined), { description: 'the push', timeoutMs: 5_000 });
    await push.stop();
    expect(received[0]!.url).toBe('/api/live/push/k14_alarms');
    expect(received[0]!.authorization).toBe('Bearer glsa_test');
    expect(received[0]!.body).toMatch(/^alarm_transition,room=mask-line,counter=pms-01,channel=0\.5,kind=excursion,severity=action,to_state=active-unacknowledged .*state_code=1i.* \d{19}$/);
  });

  it('retries after Grafana refuses, without losing the transition', async () => {
    failNext = 2;
    const push = new GrafanaLivePush({ url, token: 't', logger: pino({ level: 'silent' }), retryMs: 20 });
    push.push(anExcursion());
    await pollUntil(() => (received.length ? true : undefined), { description: 'the push after two refusals', timeoutMs: 5_000 });
    await push.stop();
    expect(received).toHaveLength(1);
  });
});
