// Who may connect to the broker and what each may do, derived from the site configuration: one
// identity per device, limited to publishing its own topic; the services and their topics. Both
// brokers enforce this one model: Mosquitto through the generated password and ACL files, the
// embedded Aedes broker through its authorisation hooks (core/adapters/mqtt/aedes-access-hooks.ts).
import { COUNTER_TOPIC_FILTER, counterTopic, LIVE_READINGS_TOPIC, METER_TOPIC_FILTER, meterTopic, OPS_ALARMS_TOPIC_FILTER } from '../messages/topics.ts';
import type { SiteConfig } from '../site/site-schema.ts';

/** Mosquitto's ACL access words: read is subscribe and receive, write is publish. */
export type Access = 'read' | 'write' | 'readwrite';

export interface AclRule {
  readonly access: Access;
  /** A topic filter (MQTT 3.1.1 §4.7): `+` and `#` wildcards allowed. */
  readonly topic: string;
}

/** Where a service's credentials go: clients/{service}/{file}, an env file its container loads. */
export interface ClientEnvFile {
  readonly service: string;
  readonly file: string;
}

export interface Identity {
  /** Device ids cannot contain '/', so `meter/{id}` and `counter/{room}/{counter}` never collide. */
  readonly username: string;
  readonly rules: readonly AclRule[];
  readonly envFile?: ClientEnvFile;
}

/** The service identities' usernames: what the in-process ingest, API and simulator log in as. */
export const SERVICE_USERNAMES = {
  ingest: 'ingest',
  api: 'api',
  simulator: 'simulator',
  deadLetterReplay: 'dead-letter-replay',
} as const;

/** The live republish's connection, next to ingest's persistent one (ingest-service.ts says why). */
export const livePublisherClientId = (ingestClientId: string): string => `${ingestClientId}-live`;
/** The API's ops-alarm relay's connection, next to the engines' persistent one. */
export const opsRelayClientId = (apiClientId: string): string => `${apiClientId}-ops`;

/** The client ids only their service may use, so that no device can take over one of its connections or sessions. */
export function reservedServiceClientIds(configured: { readonly ingest: string; readonly api: string }): Map<string, string> {
  return new Map([
    [configured.ingest, SERVICE_USERNAMES.ingest],
    [livePublisherClientId(configured.ingest), SERVICE_USERNAMES.ingest],
    [configured.api, SERVICE_USERNAMES.api],
    [opsRelayClientId(configured.api), SERVICE_USERNAMES.api],
  ]);
}

/** The broker's own probe: its container healthcheck subscribes to this retained $SYS topic. */
export const HEALTHCHECK_USERNAME = 'healthcheck';
export const HEALTHCHECK_TOPIC = '$SYS/broker/uptime';

const WRITE_ALL_DEVICES: readonly AclRule[] = [
  { access: 'write', topic: METER_TOPIC_FILTER },
  { access: 'write', topic: COUNTER_TOPIC_FILTER },
];

export const meterUsername = (meterId: string): string => `meter/${meterId}`;
export const counterUsername = (roomId: string, counterId: string): string => `counter/${roomId}/${counterId}`;

export function identitiesFor(site: SiteConfig): Identity[] {
  const { ingest, api, simulator, deadLetterReplay } = SERVICE_USERNAMES;
  const services: Identity[] = [
    {
      username: ingest,
      rules: [
        { access: 'read', topic: METER_TOPIC_FILTER },
        { access: 'read', topic: COUNTER_TOPIC_FILTER },
        { access: 'write', topic: LIVE_READINGS_TOPIC },
        // Its operational alarms (store backlog, session lost), retained for the API to relay.
        { access: 'write', topic: OPS_ALARMS_TOPIC_FILTER },
      ],
      envFile: { service: 'ingest', file: 'mqtt.env' },
    },
    // Replays republish a dead letter to its original topic, which may name a device not (yet) configured.
    { username: deadLetterReplay, rules: WRITE_ALL_DEVICES, envFile: { service: 'ingest', file: 'dead-letter-replay.env' } },
    {
      username: api,
      rules: [
        { access: 'read', topic: LIVE_READINGS_TOPIC },
        { access: 'read', topic: OPS_ALARMS_TOPIC_FILTER },
      ],
      envFile: { service: 'api', file: 'mqtt.env' },
    },
    { username: simulator, rules: WRITE_ALL_DEVICES, envFile: { service: 'simulator', file: 'mqtt.env' } },
    { username: HEALTHCHECK_USERNAME, rules: [{ access: 'read', topic: HEALTHCHECK_TOPIC }] },
  ];
  const meters = site.meters.map((meter) => ({ username: meterUsername(meter.id), rules: [{ access: 'write' as const, topic: meterTopic(meter.id) }] }));
  const counters = site.rooms.flatMap((room) =>
    room.counters.map((counter) => ({ username: counterUsername(room.id, counter.id), rules: [{ access: 'write' as const, topic: counterTopic(room.id, counter.id) }] })),
  );
  return [...services, ...meters, ...counters];
}
