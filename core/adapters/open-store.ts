// Chooses the store adapter from configuration: InfluxDB when INFLUX_URL is set, else the embedded SQLite file.
import type { StoreConfig } from '../config/app-config.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';
import { openSqliteStore } from './sqlite/open-sqlite-store.ts';

export async function openStore(config: StoreConfig): Promise<TelemetryStore> {
  const store = config.kind === 'sqlite' ? openSqliteStore({ file: config.file }) : await openInflux(config);
  await store.start();
  return store;
}

async function openInflux(config: Extract<StoreConfig, { kind: 'influx' }>): Promise<TelemetryStore> {
  const { createInfluxStore } = await import('./influx/influx-store.ts');
  return createInfluxStore({ url: config.url, token: config.token, org: config.org, bucket: config.bucket });
}
