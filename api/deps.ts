// What the API needs from the rest of the system, passed in once by whoever builds it.
import type { Logger } from 'pino';
import type { SiteConfig } from '../core/domain/site/site-schema.ts';
import type { MetricsRegistry } from '../core/observability/metrics.ts';
import type { TelemetryStore } from '../core/ports/telemetry-store.ts';
import type { AlarmStore } from '../core/ports/alarm-store.ts';
import type { ApiKeyStore } from './auth/sqlite-api-key-store.ts';
import type { AlarmManager } from './cleanroom/alarm-manager.ts';
import type { OpsAlarmBoard } from './ops/ops-alarm-relay.ts';
import type { EventHub } from './streams/event-hub.ts';
import type { WaterService } from './water/water-service.ts';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when the dependency is usable. */
  check(): Promise<boolean>;
}

export interface ApiDeps {
  readonly store: TelemetryStore;
  readonly site: SiteConfig;
  readonly registry: MetricsRegistry;
  readonly logger: Logger;
  readonly water: WaterService;
  readonly alarms: AlarmManager;
  readonly alarmStore: AlarmStore;
  readonly hub: EventHub;
  readonly readiness?: readonly ReadinessCheck[];
  /** Ingest's operational alarms relayed over MQTT; GET /api/ops/alarms lists none without it. */
  readonly opsAlarms?: OpsAlarmBoard;
  /** Where API keys are verified; required unless the API is built with auth off. */
  readonly apiKeys?: ApiKeyStore;
  /** Epoch ms; Date.now unless a test fixes time. */
  readonly clock?: () => number;
}
