// Fills InfluxDB as production does: K14 meter history and rollups through the backfill writer, cleanroom
// samples from the simulator's room model, and the engine's alarm transitions through the alarm store.
import { createInfluxAlarmStore } from '../../../core/adapters/influx-alarms/influx-alarm-store.ts';
import { createInfluxStore } from '../../../core/adapters/influx/influx-store.ts';
import { cleanroomConfig } from '../../../core/domain/cleanroom/cleanroom-config.ts';
import { acknowledge, applySample, createEngineState, openAlarms, type CleanroomEngineState, type EngineResult } from '../../../core/domain/cleanroom/cleanroom-engine.ts';
import { snapshot } from '../../../core/domain/cleanroom/engine-snapshot.ts';
import type { ParticleSample } from '../../../core/domain/readings.ts';
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import type { AlarmStore } from '../../../core/ports/alarm-store.ts';
import { backfillHistory } from '../../../scripts/backfill/history-writer.ts';
import { CleanroomModel } from '../../../simulators/cleanroom-model.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface SeedOptions {
  readonly url: string;
  readonly database: string;
  readonly site: SiteConfig;
  /** The moment the data ends: queries are evaluated as if Grafana ran them then. */
  readonly nowMs: number;
  /** Meter history; 100 days crosses the first 1,000,000 t milestone of K14. */
  readonly historyDays: number;
  readonly historyStepMs: number;
  readonly cleanroomHours: number;
}

export interface SeedResult {
  readonly readings: number;
  readonly samples: number;
  readonly transitions: number;
}

export async function seedTelemetry(options: SeedOptions): Promise<SeedResult> {
  const store = createInfluxStore({ url: options.url, bucket: options.database });
  const alarmStore = createInfluxAlarmStore({ url: options.url, bucket: options.database });
  await store.start();
  await alarmStore.start();
  try {
    const history = await backfillHistory({ store, site: options.site, fromMs: options.nowMs - options.historyDays * DAY_MS, toMs: options.nowMs, stepMs: options.historyStepMs });
    const samples = cleanroomSamples(options.site, options.nowMs - options.cleanroomHours * 3_600_000, options.nowMs);
    const { rejected } = await store.writeReadings(samples);
    if (rejected.length > 0) throw new Error(`the store refused ${rejected.length} particle samples: ${rejected[0]?.reason}`);
    const transitions = await raiseAlarms(options.site, samples, alarmStore);
    return { readings: history.readings, samples: samples.length, transitions };
  } finally {
    await alarmStore.close();
    await store.close();
  }
}

/** Every room sampled each minute, with chance excursions and one forced gowning fault per room. */
function cleanroomSamples(site: SiteConfig, fromMs: number, toMs: number): ParticleSample[] {
  const samples: ParticleSample[] = [];
  site.rooms.forEach((room, index) => {
    const model = new CleanroomModel({ room, seed: 1_400 + index, meanMinutesBetweenExcursions: 45 });
    const forceAtMs = fromMs + (toMs - fromMs) / 2;
    for (let tsMs = fromMs; tsMs <= toMs; tsMs += MINUTE_MS) {
      if (tsMs >= forceAtMs && tsMs < forceAtMs + MINUTE_MS) model.forceExcursion('gowning-fault', room.counters[0]?.id);
      samples.push(...model.step(tsMs, MINUTE_MS).samples);
    }
  });
  return samples.sort((a, b) => a.tsMs - b.tsMs);
}

/** The engine over every sample, as the API's alarm manager runs it; the first alarm acknowledged. */
async function raiseAlarms(site: SiteConfig, samples: readonly ParticleSample[], alarmStore: AlarmStore): Promise<number> {
  const config = cleanroomConfig(site);
  let state: CleanroomEngineState = createEngineState(config, samples[0]?.tsMs ?? 0);
  let transitions = 0;
  let acknowledged = false;
  const save = async (result: EngineResult): Promise<void> => {
    state = result.state;
    if (result.transitions.length === 0) return;
    transitions += result.transitions.length;
    await alarmStore.saveChanges({ alarms: result.alarms, transitions: result.transitions, snapshot: snapshot(result.state) });
  };
  for (const sample of samples) {
    await save(applySample(state, sample, config, sample.tsMs));
    const open = openAlarms(state)[0];
    if (!acknowledged && open !== undefined && open.state === 'active-unacknowledged') {
      await save(acknowledge(state, open.id, 'operator.chen', 'door left open during gowning', sample.tsMs + 1_000));
      acknowledged = true;
    }
  }
  return transitions;
}
