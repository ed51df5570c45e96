// The live simulator: publishes the site's meters and particle counters over MQTT exactly as devices
// do (device topic, device payload, QoS 1), driven by the pure plant and cleanroom models.
import type { AppConfig } from '../core/config/app-config.ts';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { readPemFile } from '../core/adapters/mqtt/pem-file.ts';
import type { Logger } from 'pino';
import { devicePayloadOf, deviceTopicOf } from '../core/domain/messages/device-message.ts';
import type { Reading } from '../core/domain/readings.ts';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import type { ExcursionKind } from './cleanroom-excursions.ts';
import { CleanroomModel } from './cleanroom-model.ts';
import { MeterFleet, type MeterFaultRates } from './meter-fleet.ts';
import { meanVolumesSinceInstallM3 } from './meter-flows.ts';
import { createRng, hashString, type Rng } from './random.ts';

export const DEFAULT_METER_INTERVAL_MS = 5_000;
export const DEFAULT_COUNTER_INTERVAL_MS = 10_000;

export interface SimulatorOptions {
  readonly url: string;
  readonly site: SiteConfig;
  readonly meterIntervalMs?: number;
  /** Also the sampling time: each sample's volume is sampleFlowLitresPerMinute × this interval. */
  readonly counterIntervalMs?: number;
  readonly logger: Logger;
  /** Same seed, same data; logged at start so a run can be reproduced. */
  readonly seed?: number;
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM file of the CA that signed the broker's certificate, for an mqtts:// url. */
  readonly caFile?: string;
  /** Timestamps and intervals come from here (epoch ms). */
  readonly clock?: () => number;
  /** Mean time between chance cleanroom excursions per room; 0 turns them off. */
  readonly meanMinutesBetweenExcursions?: number;
  readonly meterFaults?: MeterFaultRates;
  /** Totalizers to start from; by default what the mean model has registered since installation. */
  readonly initialTotalizersM3?: ReadonlyMap<string, number>;
  /** Each tick lands within ± this fraction of its interval, and each device publishes a little apart. */
  readonly jitterFraction?: number;
}

export interface SimulatorStats {
  readonly published: number;
  readonly failed: number;
  readonly dropped: number;
}

/** Beyond this many unacknowledged messages (broker gone) readings are dropped, bounding memory. */
const MAX_IN_FLIGHT = 5_000;
const MAX_SPREAD_MS = 1_000;
const END_GRACE_MS = 2_000;
const DEFAULT_JITTER = 0.05;

export class Simulator {
  private readonly options: SimulatorOptions;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly seed: number;
  private readonly rng: Rng;
  private readonly meterIntervalMs: number;
  private readonly counterIntervalMs: number;
  private readonly rooms: Map<string, CleanroomModel>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private client: MqttClient | undefined;
  private fleet: MeterFleet | undefined;
  private lastMeterTickMs: number | undefined;
  private inFlight = 0;
  private dropping = false;
  private errorReported = false;
  private counts = { published: 0, failed: 0, dropped: 0 };

  constructor(options: SimulatorOptions) {
    this.options = options;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
    this.seed = (options.seed ?? this.clock()) >>> 0;
    this.rng = createRng(this.seed ^ hashString('publisher'));
    this.meterIntervalMs = options.meterIntervalMs ?? DEFAULT_METER_INTERVAL_MS;
    this.counterIntervalMs = options.counterIntervalMs ?? DEFAULT_COUNTER_INTERVAL_MS;
    this.rooms = new Map(
      options.site.rooms.map((room) => [
        room.id,
        new CleanroomModel({ room, seed: this.seed ^ hashString(`room/${room.id}`), meanMinutesBetweenExcursions: options.meanMinutesBetweenExcursions }),
      ]),
    );
  }

  async start(): Promise<void> {
    if (this.client) return;
    const { url, site } = this.options;
    // No retries at start: an unreachable broker is a configuration problem to report, not to wait out.
    const client = await connectAsync(url, this.connectOptions(), false).catch((error: Error) => {
      throw new Error(`the simulator cannot connect to the MQTT broker at ${url} (${error.message}): start the broker ("npm start" runs the embedded one) or point MQTT_URL at a running broker`);
    });
    this.client = client;
    this.watch(client, url);
    const nowMs = this.clock();
    this.fleet = new MeterFleet({
      site,
      seed: this.seed,
      faults: this.options.meterFaults,
      initialTotalizersM3: this.options.initialTotalizersM3 ?? meanVolumesSinceInstallM3(site, nowMs),
    });
    this.logger.info(
      { url, seed: this.seed, meters: site.meters.length, rooms: site.rooms.length, meterIntervalMs: this.meterIntervalMs, counterIntervalMs: this.counterIntervalMs },
      'simulator started',
    );
    this.meterTick();
    this.counterTick();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const client = this.client;
    this.client = undefined;
    this.fleet = undefined;
    this.lastMeterTickMs = undefined;
    if (!client) return;
    // A graceful end waits for outstanding acknowledgements, which never come from a dead broker.
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (graceTimer = setTimeout(() => resolve('timeout'), END_GRACE_MS)));
    const outcome = await Promise.race([client.endAsync().then(() => 'ended' as const), grace]);
    clearTimeout(graceTimer);
    if (outcome === 'timeout') await client.endAsync(true);
    client.removeAllListeners();
    // An ended client has nothing left to say, but an 'error' without a listener would throw.
    client.on('error', () => {});
    this.logger.info(this.stats(), 'simulator stopped');
  }

  /** Makes a cleanroom excursion start at the next counter tick (demo, tests). */
  forceExcursion(kind: ExcursionKind = 'door-open', roomId?: string, counterId?: string): void {
    const model = roomId === undefined ? this.rooms.values().next().value : this.rooms.get(roomId);
    if (!model) throw new RangeError(`room "${roomId ?? ''}" is not in the site configuration`);
    model.forceExcursion(kind, counterId);
  }

  stats(): SimulatorStats {
    return { ...this.counts };
  }

  private watch(client: MqttClient, url: string): void {
    client.on('offline', () => this.logger.warn({ url }, 'simulator offline; reconnecting'));
    client.on('connect', () => {
      this.errorReported = false;
      this.logger.info({ url }, 'simulator connected');
    });
    // A reconnect attempt fails every second while the broker is down: warn once, then only debug.
    client.on('error', (error) => {
      this.logger[this.errorReported ? 'debug' : 'warn']({ err: error }, 'simulator MQTT error');
      this.errorReported = true;
    });
  }

  private connectOptions(): IClientOptions {
    const { clientId, username, password, caFile } = this.options;
    return {
      // Never the ingest's id: a second client with the same id would take over its session.
      clientId: clientId ?? `k14-simulator-${process.pid}-${this.clock().toString(36)}`,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(caFile ? { ca: readPemFile(caFile, 'MQTT CA certificate') } : {}),
    };
  }

  private readonly meterTick = (): void => {
    const nowMs = this.clock();
    const dtMs = this.lastMeterTickMs === undefined ? this.meterIntervalMs : nowMs - this.lastMeterTickMs;
    this.lastMeterTickMs = nowMs;
    this.guarded('meter tick', () => {
      for (const reading of this.fleet?.step(nowMs, dtMs) ?? []) this.publishSoon(reading, this.meterIntervalMs);
    });
    this.later(this.jittered(this.meterIntervalMs), this.meterTick);
  };

  private readonly counterTick = (): void => {
    const nowMs = this.clock();
    this.guarded('counter tick', () => {
      for (const model of this.rooms.values()) {
        const { samples, started } = model.step(nowMs, this.counterIntervalMs);
        for (const excursion of started) this.logger.info(excursion, 'cleanroom excursion started');
        for (const sample of samples) this.publishSoon(sample, this.counterIntervalMs);
      }
    });
    this.later(this.jittered(this.counterIntervalMs), this.counterTick);
  };

  private guarded(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.logger.error({ err: error, what }, 'simulator tick failed; continuing');
    }
  }

  private jittered(intervalMs: number): number {
    const jitter = this.options.jitterFraction ?? DEFAULT_JITTER;
    return Math.max(1, intervalMs * (1 + this.rng.uniform(-jitter, jitter)));
  }

  /** Devices are not synchronised: each publishes a little after the tick. */
  private publishSoon(reading: Reading, intervalMs: number): void {
    const spreadMs = Math.min(MAX_SPREAD_MS, intervalMs * (this.options.jitterFraction ?? DEFAULT_JITTER));
    this.later(this.rng.uniform(0, spreadMs), () => this.publish(reading));
  }

  private publish(reading: Reading): void {
    const client = this.client;
    if (!client) return;
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.counts.dropped += 1;
      if (!this.dropping) this.logger.warn({ inFlight: this.inFlight }, 'broker not acknowledging; dropping readings until it does');
      this.dropping = true;
      return;
    }
    this.dropping = false;
    this.inFlight += 1;
    const topic = deviceTopicOf(reading);
    client.publishAsync(topic, JSON.stringify(devicePayloadOf(reading)), { qos: 1 }).then(
      () => {
        this.inFlight -= 1;
        this.counts.published += 1;
      },
      (error: unknown) => {
        this.inFlight -= 1;
        this.counts.failed += 1;
        if (this.client) this.logger.warn({ err: error, topic }, 'publish failed');
      },
    );
  }

  private later(delayMs: number, run: () => void): void {
    if (!this.client) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    this.timers.add(timer);
  }
}

/** The simulator options that come from the application configuration. */
export function simulatorOptions(config: AppConfig['simulator']): Pick<SimulatorOptions, 'meterIntervalMs' | 'counterIntervalMs' | 'meanMinutesBetweenExcursions' | 'seed'> {
  return {
    meterIntervalMs: config.meterIntervalMs,
    counterIntervalMs: config.counterIntervalMs,
    meanMinutesBetweenExcursions: config.meanMinutesBetweenExcursions,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
  };
}
