// The whole embedded stack for the live page's browser tests (Aedes, ingest, SQLite, the API with auth
// on, the simulator), API keys made as `npm run api-keys -- create` would, and helpers for a page in
// Chromium: signing in through the page's key form, recording its websocket, collecting its errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import type { Page, WebSocketRoute } from 'playwright-core';
import { expect } from 'vitest';
import { ApiService } from '../../api/api-service.ts';
import type { Role } from '../../api/auth/permissions.ts';
import { openSqliteApiKeyStore, type ApiKeyStore } from '../../api/auth/sqlite-api-key-store.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../core/adapters/mqtt/embedded-broker.ts';
import { openSqliteStore } from '../../core/adapters/sqlite/open-sqlite-store.ts';
import { loadConfig } from '../../core/config/app-config.ts';
import { counterTopic } from '../../core/domain/messages/topics.ts';
import { MetricsRegistry } from '../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../core/ports/telemetry-store.ts';
import { IngestService } from '../../ingest/ingest-service.ts';
import { Simulator } from '../../simulators/simulator.ts';
import { k14Site } from '../fixtures/site.ts';
import { pollUntil } from '../harness/poll-until.ts';
import { testIngestOptions } from '../integration/spine/ingest-fixture.ts';

export interface IssuedKey {
  readonly key: string;
  readonly id: string;
  readonly name: string;
}

export interface LiveStack {
  readonly base: string;
  readonly dir: string;
  /** The API's key file, open beside the running API as the api-keys command would be. */
  readonly keyStore: ApiKeyStore;
  issueKey(role: Role, name: string): IssuedKey;
  /** Publishes action-level samples for a counter until `shown` says the page has the alarm. */
  raiseExcursion(counterId: string, shown: () => Promise<boolean>): Promise<void>;
  stop(): Promise<void>;
}

export async function startLiveStack(): Promise<LiveStack> {
  const site = k14Site();
  const logger = pino({ level: 'silent' });
  const dir = mkdtempSync(path.join(tmpdir(), 'k14-e2e-'));
  const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0 });
  const store: TelemetryStore = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
  await store.start();
  const ingest = new IngestService(testIngestOptions({ url: broker.url, protocolVersion: 4, dir, site, store, registry: new MetricsRegistry(), logger }));
  await ingest.start();
  const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', MQTT_URL: broker.url, API_MQTT_CLIENT_ID: `e2e-api-${process.pid}`, MQTT_PROTOCOL_VERSION: '4' });
  // Keys made before the first start, so no initial admin key is printed; the store stays open to revoke.
  const keyStore = openSqliteApiKeyStore(config.security.keysFile);
  const issueKey = (role: Role, name: string): IssuedKey => {
    const { key, record } = keyStore.create({ role, name }, Date.now());
    return { key, id: record.id, name };
  };
  const api = new ApiService({ config, site, store, registry: new MetricsRegistry(), logger, mqttUrl: broker.url });
  const base = await api.start();
  const simulator = new Simulator({ url: broker.url, site, logger, seed: 14, meterIntervalMs: 1_000, counterIntervalMs: 2_000, meanMinutesBetweenExcursions: 0 });
  await simulator.start();

  return {
    base,
    dir,
    keyStore,
    issueKey,
    raiseExcursion: async (counterId, shown) => {
      const device = await mqtt.connectAsync(broker.url);
      try {
        // The simulator's own samples race ours; one stamped a little ahead wins the ordering.
        await pollUntil(
          async () => {
            if (await shown()) return true;
            const sample = { ts: Date.now() + 3_000, volume_l: 28.3, counts: { '0.5': 110_000 } };
            await device.publishAsync(counterTopic('mask-line', counterId), JSON.stringify(sample), { qos: 1 });
            return undefined;
          },
          { description: `the ${counterId} action alarm in the page`, timeoutMs: 30_000, intervalMs: 2_000 },
        );
      } finally {
        await device.endAsync();
      }
    },
    stop: async () => {
      await simulator.stop();
      await api.stop();
      keyStore.close();
      await ingest.stop();
      await store.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The page's key form: a modal dialog with a labelled password field. */
export const keyForm = (page: Page) => page.getByRole('dialog', { name: 'Sign in with an API key' });

/** Signs in through the page's own form, as a person would. */
export async function signIn(page: Page, key: string): Promise<void> {
  const form = keyForm(page);
  await expect.poll(() => form.isVisible(), { timeout: 10_000 }).toBe(true);
  const field = form.getByLabel('API key', { exact: true });
  expect(await field.getAttribute('type')).toBe('password');
  await field.fill(key);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => form.isVisible(), { timeout: 10_000 }).toBe(false);
}

export interface RecordedSocket {
  readonly route: WebSocketRoute;
  /** What the page sent, and what the server sent it. */
  readonly sent: string[];
  readonly received: string[];
}

/** Passes the page's /ws through, recording both directions; `refuse()` true closes new ones at once. */
export async function recordSockets(page: Page, refuse: () => boolean = () => false): Promise<RecordedSocket[]> {
  const sockets: RecordedSocket[] = [];
  await page.routeWebSocket(/\/ws$/, (route) => {
    if (refuse()) return void route.close({ code: 4000, reason: 'test: server unreachable' });
    const server = route.connectToServer();
    const record = { route, sent: [] as string[], received: [] as string[] };
    sockets.push(record);
    route.onMessage((message) => {
      record.sent.push(String(message));
      server.send(message);
    });
    server.onMessage((message) => {
      record.received.push(String(message));
      route.send(message);
    });
  });
  return sockets;
}

/**
 * What went wrong in a page: uncaught errors, console errors and warnings (a CSP refusal, a failed
 * refresh, a refused websocket request) and any 403. A 401 is how the page learns it needs a key.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (/status of 401/.test(message.text())) return;
    const problem = `${message.type()}: ${message.text()} (${message.location().url})`;
    problems.push(problem);
  });
  page.on('response', (response) => {
    if (response.status() === 403) problems.push(`403 ${response.url()}`);
  });
  return problems;
}
