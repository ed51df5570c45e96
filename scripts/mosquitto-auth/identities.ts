// Who may connect to the production Mosquitto and what each may do, derived from the site
// configuration: one identity per device, limited to its own topic; the services and their topics.
import { COUNTER_TOPIC_FILTER, counterTopic, LIVE_READINGS_TOPIC, METER_TOPIC_FILTER, meterTopic } from '../../core/domain/messages/topics.ts';
import type { SiteConfig } from '../../core/domain/site/site-schema.ts';

export type Access = 'read' | 'write' | 'readwrite';

export interface AclRule {
  readonly access: Access;
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

/** The broker's own probe: its container healthcheck subscribes to this retained $SYS topic. */
export const HEALTHCHECK_USERNAME = 'healthcheck';
export const HEALTHCHECK_TOPIC = '$SYS/broker/uptime';

const WRITE_ALL_DEVICES: readonly AclRule[] = [
  { access: 'write', topic: METER_TOPIC_FILTER },
  { access: 'write', topic: COUNTER_TOPIC_FILTER },
];

export function identitiesFor(site: SiteConfig): Identity[] {
  const services: Identity[] = [
    {
      username: 'ingest',
      rules: [
        { access: 'read', topic: METER_TOPIC_FILTER },
        { access: 'read', topic: COUNTER_TOPIC_FILTER },
        { access: 'write', topic: LIVE_READINGS_TOPIC },
      ],
      envFile: { service: 'ingest', file: 'mqtt.env' },
    },
    // Replays republish a dead letter to its original topic, which may name a device not (yet) configured.
    { username: 'dead-letter-replay', rules: WRITE_ALL_DEVICES, envFile: { service: 'ingest', file: 'dead-letter-replay.env' } },
    { username: 'api', rules: [{ access: 'read', topic: LIVE_READINGS_TOPIC }], envFile: { service: 'api', file: 'mqtt.env' } },
    { username: 'simulator', rules: WRITE_ALL_DEVICES, envFile: { service: 'simulator', file: 'mqtt.env' } },
    { username: HEALTHCHECK_USERNAME, rules: [{ access: 'read', topic: HEALTHCHECK_TOPIC }] },
  ];
  const meters = site.meters.map((meter) => ({ username: `meter/${meter.id}`, rules: [{ access: 'write' as const, topic: meterTopic(meter.id) }] }));
  const counters = site.rooms.flatMap((room) =>
    room.counters.map((counter) => ({ username: `counter/${room.id}/${counter.id}`, rules: [{ access: 'write' as const, topic: counterTopic(room.id, counter.id) }] })),
  );
  return [...services, ...meters, ...counters];
}

/** Mosquitto's acl_file: a `user` block per identity; anything not granted is denied. */
export function aclFileText(identities: readonly Identity[], header: string): string {
  const blocks = identities.map((identity) => [`user ${identity.username}`, ...identity.rules.map((rule) => `topic ${rule.access} ${rule.topic}`)].join('\n'));
  return `${header}\n${blocks.join('\n\n')}\n`;
}
