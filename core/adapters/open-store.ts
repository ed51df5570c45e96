// Chooses the store adapter from configuration: InfluxDB when INFLUX_URL is set, else the embedded SQLite file.
import path from 'node:path';
import type { StoreConfig } from '../config/app-config.ts';
import type { AlarmStore } from '../ports/alarm-store.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';
import { openSqliteStore } from './sqlite/open-sqlite-store.ts';

export async function openStore(config: StoreConfig): Promise<TelemetryStore> {
  const store = config.kind === 'sqlite' ? openSqliteStore({ file: config.file }) : await openInflux(config);
  await store.start();
  return store;
}

async function openInflux(config: Extract<StoreConfig, { kind: 'influx' }>): Promise<TelemetryStore> {
  const { createInfluxStore } = await import('./influx/influx-store.ts');
  return createInfluxStore({ url: config.url, token: config.token, org: config.org, bucket: config.bucket, gzipWrites: config.gzipWrites });
}

/** The alarm store beside the telemetry store: its own SQLite file, or measurements in the same bucket. */
export async function openAlarmStore(config: StoreConfig): Promise<AlarmStore> {
  let store: AlarmStore;
  if (config.kind === 'sqlite') {
    const { openSqliteAlarmStore } = await import('./sqlite-alarms/open-sqlite-alarm-store.ts');
    store = openSqliteAlarmStore({ file: path.join(path.dirname(config.file), 'alarms.sqlite') });
  } else {
    const { createInfluxAlarmStore } = await import('./influx-alarms/influx-alarm-store.ts');
    store = createInfluxAlarmStore({ url: config.url, token: config.token, org: config.org, bucket: config.bucket, gzipWrites: config.gzipWrites });
  }
  await store.start();
  return store;
}
