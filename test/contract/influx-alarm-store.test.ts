// The AlarmStore contract against the InfluxDB adapter: one real influxd 1.6 for the file, a fresh
// database per store, writes through the v2-write proxy as the adapter would in production.
import { afterAll, beforeAll } from 'vitest';
import { createInfluxAlarmStore } from '../../core/adapters/influx-alarms/influx-alarm-store.ts';
import { startInfluxd, type RunningInfluxd } from '../harness/influxd.ts';
import { describeAlarmStoreContract } from './alarm-store-contract.ts';

const INFLUXD_START_TIMEOUT_MS = 90_000;

let influxd: RunningInfluxd | undefined;
let databases = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
}, INFLUXD_START_TIMEOUT_MS);

afterAll(async () => {
  await influxd?.stop();
}, INFLUXD_START_TIMEOUT_MS);

describeAlarmStoreContract('InfluxDB 1.6 via the v2-write proxy', async () => {
  const server = influxd;
  if (server === undefined) throw new Error('influxd did not start (see beforeAll)');
  const database = `alarm_contract_${process.pid}_${++databases}`;
  await server.createDatabase(database);
  const open = () => createInfluxAlarmStore({ url: server.url, token: 'contract-token', org: 'k14', bucket: database });
  return { store: open(), reopen: open, cleanup: () => server.dropDatabase(database) };
});
