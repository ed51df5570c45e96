// The one configuration schema: every environment variable the system reads is named here and only
// here, parsed once at start, all problems reported together, the result frozen.
import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;

const onOff = z.enum(['on', 'off']);
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z.string().min(1).optional();
const origin = z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o, 'an origin is scheme://host[:port], nothing after it');
const originList = z
  .string()
  .transform((list) => list.split(',').map((o) => o.trim()).filter((o) => o !== ''))
  .pipe(z.array(origin));

const envSchema = z.object({
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(3000),
  MQTT_URL: z.url({ protocol: /^(mqtts?|wss?|tcp)$/ }).optional(),
  MQTT_PORT: port.default(1884),
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  MQTT_AUTH: onOff.default('on'),
  MQTT_TLS_PORT: port.default(8884),
  MQTT_TLS_HOST: z.string().min(1).optional(),
  MQTT_TLS_CERT_FILE: optionalText,
  MQTT_TLS_KEY_FILE: optionalText,
  MQTT_CA_FILE: optionalText,
  MQTT_USERNAME: optionalText,
  MQTT_PASSWORD: optionalText,
  MQTT_CLIENT_ID: z.string().min(1).default('k14-ingest'),
  MQTT_PROTOCOL_VERSION: z.enum(['4', '5']).default('5'),
  MQTT_SESSION_EXPIRY_S: positiveInt.default(7 * 24 * 3600),
  API_MQTT_CLIENT_ID: z.string().min(1).default('k14-api-engines'),
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" or "-"').optional(),
  INGEST_HTTP_PORT: port.default(9101),
  DATA_DIR: z.string().min(1).default('./data'),
  SITE_CONFIG: z.string().min(1).default('config/site.k14.json'),
  SIMULATOR: onOff.default('on'),
  SIMULATOR_METER_INTERVAL_MS: positiveInt.default(5000),
  SIMULATOR_COUNTER_INTERVAL_MS: positiveInt.default(10_000),
  SIMULATOR_EXCURSION_MEAN_MINUTES: z.coerce.number().nonnegative().default(4),
  SIMULATOR_SEED: z.coerce.number().int().optional(),
  INFLUX_URL: z.url({ protocol: /^https?$/ }).optional(),
  INFLUX_TOKEN: optionalText,
  INFLUX_ORG: optionalText,
  INFLUX_BUCKET: z.string().min(1).default('k14'),
  INFLUX_WRITE_GZIP: onOff.default('off'),
  JOURNAL_MAX_BYTES: positiveInt.default(512 * MiB),
  JOURNAL_SEGMENT_BYTES: positiveInt.default(64 * MiB),
  JOURNAL_FSYNC: z.enum(['always', 'interval', 'never']).default('interval'),
  JOURNAL_FSYNC_INTERVAL_MS: positiveInt.default(1000),
  WRITE_BATCH_MAX: positiveInt.default(5000),
  WRITE_FLUSH_MS: z.coerce.number().int().nonnegative().default(20),
  WRITE_MAX_IN_FLIGHT: positiveInt.max(16).default(4),
  MAX_PAYLOAD_BYTES: positiveInt.default(64 * 1024),
  MAX_FUTURE_SKEW_MS: positiveInt.default(5 * 60_000),
  OPS_BACKLOG_ALARM_AGE_MS: positiveInt.default(30_000),
  OPS_BACKLOG_CLEAR_AGE_MS: positiveInt.default(10_000),
  OPS_EVALUATE_INTERVAL_MS: positiveInt.default(5_000),
  OPS_SEQ_RESTART_MAX: z.coerce.number().int().nonnegative().default(3),
  GRAFANA_URL: z.url({ protocol: /^https?$/ }).optional(),
  GRAFANA_TOKEN: optionalText,
  GRAFANA_LIVE_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('k14_alarms'),
  AUTH: onOff.default('on'),
  CORS_ORIGINS: originList.default([]),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().nonnegative().default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The embedded broker's TLS listener; the key and certificate come from the user. */
export interface EmbeddedTlsConfig {
  readonly port: number;
  /** Listen address; the plain listener's when unset. */
  readonly host: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface EmbeddedMqttConfig {
  readonly mode: 'embedded';
  readonly port: number;
  /** Listen address of the embedded broker's listeners. */
  readonly host: string;
  readonly url: string;
  readonly protocolVersion: 4;
  /** 'off' only for local demos: anonymous clients, no ACL. */
  readonly auth: 'on' | 'off';
  /** DATA_DIR/mqtt: credentials.json (plaintext, 0600), broker/passwd, broker/acl. */
  readonly credentialsDir: string;
  readonly tls?: EmbeddedTlsConfig;
}

export type MqttConfig = EmbeddedMqttConfig | { readonly mode: 'external'; readonly url: string; readonly protocolVersion: 4 | 5 };

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'influx'; readonly url: string; readonly token?: string; readonly org?: string; readonly bucket: string; readonly gzipWrites: boolean };

export interface JournalConfig {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsync: 'always' | 'interval' | 'never';
  readonly fsyncIntervalMs: number;
}

/** The store writer: batches of up to batchMax readings, filled for flushMs, up to maxInFlight at once under a backlog. */
export interface WriterConfig {
  readonly batchMax: number;
  readonly flushMs: number;
  readonly maxInFlight: number;
}

export interface SecurityConfig {
  /** 'off' only for local demos: every caller is admin. */
  readonly auth: 'on' | 'off';
  /** The API keys' SQLite file (hashes only), shared with `npm run api-keys`. */
  readonly keysFile: string;
  /** Origins allowed to call the API and open /ws cross-origin; empty keeps CORS closed. */
  readonly corsOrigins: readonly string[];
  /** Per API key, or per client IP without one; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
}

export interface AppConfig {
  readonly http: { readonly host: string; readonly port: number };
  readonly security: SecurityConfig;
  readonly mqtt: MqttConfig & {
    readonly username?: string;
    readonly password?: string;
    /** PEM CA file the clients verify an mqtts:// broker with (a private CA). */
    readonly caFile?: string;
    readonly clientId: string;
    readonly sessionExpirySeconds: number;
    /** Ingest processes sharing one `$share/{group}/…` subscription split the device traffic. */
    readonly shareGroup?: string;
    /** The API engines' own persistent session on the live topic. */
    readonly apiClientId: string;
  };
  /** Where a standalone ingest process serves /health and /metrics. */
  readonly ingestHttpPort: number;
  readonly store: StoreConfig;
  readonly dataDir: string;
  readonly siteConfigFile: string;
  readonly simulator: {
    readonly enabled: boolean;
    readonly meterIntervalMs: number;
    readonly counterIntervalMs: number;
    /** Mean minutes between simulated cleanroom excursions; 0 turns them off. */
    readonly meanMinutesBetweenExcursions: number;
    readonly seed?: number;
  };
  readonly journal: JournalConfig;
  readonly writer: WriterConfig;
  readonly validation: { readonly maxPayloadBytes: number; readonly maxFutureSkewMs: number };
  /** Ingest's operational alarms: store backlog (raise at / clear below an age), evaluation period, seq reboots. */
  readonly ops: {
    readonly backlog: { readonly raiseAtAgeMs: number; readonly clearBelowAgeMs: number };
    readonly evaluateIntervalMs: number;
    readonly seqRestartMax: number;
  };
  /** Alarm transitions are also pushed to Grafana Live when both are set. */
  readonly grafana?: { readonly url: string; readonly token: string; readonly stream: string };
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Reads the configuration from the environment; throws one ConfigError naming every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const given = withoutBlanks(env);
  const parsed = envSchema.safeParse(given);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), ...combinationProblems(given)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return deepFreeze(toAppConfig(parsed.data));
}

/** Settings that only make sense together. */
function combinationProblems(env: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const tlsSettings = ['MQTT_TLS_PORT', 'MQTT_TLS_HOST', 'MQTT_TLS_CERT_FILE', 'MQTT_TLS_KEY_FILE'].filter((name) => env[name] !== undefined);
  if (tlsSettings.length > 0 && (env.MQTT_TLS_CERT_FILE === undefined || env.MQTT_TLS_KEY_FILE === undefined)) {
    problems.push('MQTT_TLS_CERT_FILE, MQTT_TLS_KEY_FILE: the embedded broker\'s TLS listener needs both a certificate and a key file');
  }
  if (env.MQTT_URL !== undefined) {
    const embeddedOnly = [...tlsSettings, ...['MQTT_HOST', 'MQTT_AUTH'].filter((name) => env[name] !== undefined)];
    if (embeddedOnly.length > 0) problems.push(`${embeddedOnly.join(', ')}: ${embeddedOnly.length > 1 ? 'these set' : 'this sets'} the embedded broker, which does not run when MQTT_URL names an external one`);
  }
  const raiseAt = Number(env.OPS_BACKLOG_ALARM_AGE_MS ?? 30_000);
  const clearBelow = Number(env.OPS_BACKLOG_CLEAR_AGE_MS ?? 10_000);
  if (clearBelow >= raiseAt) problems.push(`OPS_BACKLOG_CLEAR_AGE_MS: must be below OPS_BACKLOG_ALARM_AGE_MS (${raiseAt}), or the alarm would chatter`);
  return problems;
}

function toAppConfig(e: z.infer<typeof envSchema>): AppConfig {
  const dataDir = path.resolve(e.DATA_DIR);
  const mqtt: MqttConfig = e.MQTT_URL
    ? { mode: 'external', url: e.MQTT_URL, protocolVersion: e.MQTT_PROTOCOL_VERSION === '4' ? 4 : 5 }
    : {
        mode: 'embedded',
        port: e.MQTT_PORT,
        host: e.MQTT_HOST,
        url: `mqtt://${connectableHost(e.MQTT_HOST)}:${e.MQTT_PORT}`,
        // The embedded Aedes broker speaks MQTT 3.1.1; a persistent session there is clean=false.
        protocolVersion: 4,
        auth: e.MQTT_AUTH,
        credentialsDir: path.join(dataDir, 'mqtt'),
        ...(e.MQTT_TLS_CERT_FILE && e.MQTT_TLS_KEY_FILE
          ? { tls: { port: e.MQTT_TLS_PORT, host: e.MQTT_TLS_HOST ?? e.MQTT_HOST, certFile: path.resolve(e.MQTT_TLS_CERT_FILE), keyFile: path.resolve(e.MQTT_TLS_KEY_FILE) } }
          : {}),
      };
  const store: StoreConfig = e.INFLUX_URL
    ? { kind: 'influx', url: e.INFLUX_URL, token: e.INFLUX_TOKEN, org: e.INFLUX_ORG, bucket: e.INFLUX_BUCKET, gzipWrites: e.INFLUX_WRITE_GZIP === 'on' }
    : { kind: 'sqlite', file: path.join(dataDir, 'telemetry.sqlite') };
  return {
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    security: { auth: e.AUTH, keysFile: path.join(dataDir, 'auth.sqlite'), corsOrigins: e.CORS_ORIGINS, rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE },
    mqtt: { ...mqtt, username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, caFile: e.MQTT_CA_FILE && path.resolve(e.MQTT_CA_FILE), clientId: e.MQTT_CLIENT_ID, sessionExpirySeconds: e.MQTT_SESSION_EXPIRY_S, shareGroup: e.MQTT_SHARE_GROUP, apiClientId: e.API_MQTT_CLIENT_ID },
    ingestHttpPort: e.INGEST_HTTP_PORT,
    store,
    dataDir,
    siteConfigFile: path.resolve(e.SITE_CONFIG),
    simulator: {
      enabled: e.SIMULATOR === 'on',
      meterIntervalMs: e.SIMULATOR_METER_INTERVAL_MS,
      counterIntervalMs: e.SIMULATOR_COUNTER_INTERVAL_MS,
      meanMinutesBetweenExcursions: e.SIMULATOR_EXCURSION_MEAN_MINUTES,
      seed: e.SIMULATOR_SEED,
    },
    journal: {
      dir: path.join(dataDir, 'journal'),
      maxBytes: e.JOURNAL_MAX_BYTES,
      segmentBytes: Math.min(e.JOURNAL_SEGMENT_BYTES, e.JOURNAL_MAX_BYTES),
      fsync: e.JOURNAL_FSYNC,
      fsyncIntervalMs: e.JOURNAL_FSYNC_INTERVAL_MS,
    },
    writer: { batchMax: e.WRITE_BATCH_MAX, flushMs: e.WRITE_FLUSH_MS, maxInFlight: e.WRITE_MAX_IN_FLIGHT },
    validation: { maxPayloadBytes: e.MAX_PAYLOAD_BYTES, maxFutureSkewMs: e.MAX_FUTURE_SKEW_MS },
    ops: {
      backlog: { raiseAtAgeMs: e.OPS_BACKLOG_ALARM_AGE_MS, clearBelowAgeMs: e.OPS_BACKLOG_CLEAR_AGE_MS },
      evaluateIntervalMs: e.OPS_EVALUATE_INTERVAL_MS,
      seqRestartMax: e.OPS_SEQ_RESTART_MAX,
    },
    ...(e.GRAFANA_URL && e.GRAFANA_TOKEN ? { grafana: { url: e.GRAFANA_URL, token: e.GRAFANA_TOKEN, stream: e.GRAFANA_LIVE_STREAM } } : {}),
    logLevel: e.LOG_LEVEL,
  };
}

/** Where a client on this host reaches a listener bound to `host` (a wildcard address: loopback). */
function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** An empty variable (`FOO=`) means "not set", as users expect from .env files. */
function withoutBlanks(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
