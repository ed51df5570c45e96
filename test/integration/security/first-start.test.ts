// The embedded default is closed: the API service's first start creates one admin key (printed by
// start.ts once), later starts create none, and AUTH=off opens everything while saying so in the log.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiService } from '../../../api/api-service.ts';
import { initialAdminKeyNotice } from '../../../api/auth/initial-admin-key.ts';
import { openSqliteApiKeyStore } from '../../../api/auth/sqlite-api-key-store.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../core/adapters/mqtt/embedded-broker.ts';
import { openSqliteStore } from '../../../core/adapters/sqlite/open-sqlite-store.ts';
import { loadConfig } from '../../../core/config/app-config.ts';
import { MetricsRegistry } from '../../../core/observability/metrics.ts';
import type { TelemetryStore } from '../../../core/ports/telemetry-store.ts';
import { k14Site } from '../../fixtures/site.ts';

describe('first start and AUTH=off (API service, embedded broker)', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let store: TelemetryStore;
  const logLines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-first-start-'));
    broker = await startEmbeddedBroker({ port: 0 });
    store = openSqliteStore({ file: path.join(dir, 'telemetry.sqlite') });
    await store.start();
  });
  afterAll(async () => {
    await store?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}) {
    const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', MQTT_URL: broker.url, MQTT_PROTOCOL_VERSION: '4', API_MQTT_CLIENT_ID: `first-start-${process.pid}`, ...env });
    const api = new ApiService({ config, site: k14Site(), store, registry: new MetricsRegistry(), logger, mqttUrl: broker.url });
    const base = await api.start();
    return { api, base, config };
  }

  it('creates one admin key on the first start only, and it works', async () => {
    const first = await start();
    const created = first.api.initialAdminKey;
    expect(created?.key).toMatch(/^k14_[A-Za-z0-9_-]{43}$/);
    expect(initialAdminKeyNotice(created!.key, created!.id)).toContain(created!.key);
    const me = await fetch(`${first.base}/api/auth/me`, { headers: { authorization: `Bearer ${created!.key}` } });
    expect(await me.json()).toMatchObject({ auth: 'on', role: 'admin', name: 'initial admin', keyId: created!.id });
    expect((await fetch(`${first.base}/api/site`)).status).toBe(401);
    expect(logLines.join('')).toContain('an admin key was created');
    expect(logLines.join('')).not.toContain(created!.key);
    await first.api.stop();
    expect(statSync(first.config.security.keysFile).mode & 0o777).toBe(0o600);

    // Revoking every key does not bring a new admin key on the next start: nobody gets in by a restart.
    const keys = openSqliteApiKeyStore(first.config.security.keysFile);
    keys.revoke(created!.id, Date.now());
    keys.close();
    const second = await start();
    expect(second.api.initialAdminKey).toBeUndefined();
    expect((await fetch(`${second.base}/api/auth/me`, { headers: { authorization: `Bearer ${created!.key}` } })).status).toBe(401);
    await second.api.stop();
  });

  it('with AUTH=off opens every route without a key and warns in the log', async () => {
    logLines.length = 0;
    const { api, base } = await start({ AUTH: 'off' });
    try {
      expect(api.initialAdminKey).toBeUndefined();
      expect(await (await fetch(`${base}/api/auth/me`)).json()).toMatchObject({ auth: 'off', role: 'admin', name: 'anonymous (AUTH=off)' });
      expect((await fetch(`${base}/api/dead-letters`)).status).toBe(200);
      expect(logLines.some((line) => line.includes('"level":40') && line.includes('AUTH=off'))).toBe(true);
    } finally {
      await api.stop();
    }
  });
});
