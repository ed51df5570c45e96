// What each identity of the site may do: a device publishes its own topic only and subscribes to
// nothing; ingest reads device topics and writes the live topic; the API only reads it.
import { describe, expect, it } from 'vitest';
import { canPublish, canReceive, canSubscribe } from '../../../core/domain/mqtt-access/access-rules.ts';
import { identitiesFor, livePublisherClientId, opsRelayClientId, reservedServiceClientIds, type Identity } from '../../../core/domain/mqtt-access/identities.ts';
import { k14Site } from '../../fixtures/site.ts';

const identities = identitiesFor(k14Site());
const identity = (username: string): Identity => {
  const found = identities.find((i) => i.username === username);
  if (found === undefined) throw new Error(`no identity ${username}`);
  return found;
};

describe('a device', () => {
  const meter = identity('meter/inf-z1');
  const counter = identity('counter/mask-line/pms-02');

  it('publishes its own topic and nothing else', () => {
    expect(canPublish(meter, 'k14/meter/inf-z1')).toBe(true);
    for (const topic of ['k14/meter/rec-z1', 'k14/meter/inf-z1/x', 'k14/meter/inf-z10', 'cleanroom/mask-line/pms/pms-01', 'live/v1/readings', '$SYS/x', 'k14/meter/+']) {
      expect(canPublish(meter, topic), topic).toBe(false);
    }
    expect(canPublish(counter, 'cleanroom/mask-line/pms/pms-02')).toBe(true);
    expect(canPublish(counter, 'cleanroom/mask-line/pms/pms-01')).toBe(false);
    expect(canPublish(counter, 'cleanroom/other-room/pms/pms-02')).toBe(false);
  });

  it('subscribes to nothing and receives nothing, not even its own topic', () => {
    for (const filter of ['k14/meter/inf-z1', 'k14/meter/+', '#', 'live/v1/readings', '$share/g/k14/meter/+']) expect(canSubscribe(meter, filter), filter).toBe(false);
    expect(canReceive(meter, 'k14/meter/inf-z1')).toBe(false);
    expect(canSubscribe(counter, 'cleanroom/+/pms/+')).toBe(false);
  });
});

describe('the services', () => {
  it('ingest reads every device topic (shared subscriptions too) and publishes the live topic only', () => {
    const ingest = identity('ingest');
    for (const filter of ['k14/meter/+', 'cleanroom/+/pms/+', 'k14/meter/inf-z1', '$share/k14/k14/meter/+', '$share/k14/cleanroom/+/pms/+']) expect(canSubscribe(ingest, filter), filter).toBe(true);
    for (const filter of ['#', 'k14/#', 'live/v1/readings', '$share/k14/#', '$share//k14/meter/+', '$share/g']) expect(canSubscribe(ingest, filter), filter).toBe(false);
    expect(canReceive(ingest, 'k14/meter/anything')).toBe(true);
    expect(canPublish(ingest, 'live/v1/readings')).toBe(true);
    expect(canPublish(ingest, 'k14/meter/inf-z1')).toBe(false);
  });

  it('ingest publishes its ops alarms (one level per source and kind) and the API reads them; nobody else', () => {
    const [ingest, api] = [identity('ingest'), identity('api')];
    expect(canPublish(ingest, 'system/v1/ops-alarms/k14-ingest/store-backlog')).toBe(true);
    expect(canPublish(ingest, 'system/v1/ops-alarms/k14-ingest/session-lost/x')).toBe(false);
    expect(canPublish(ingest, 'system/v1/other')).toBe(false);
    expect(canSubscribe(ingest, 'system/v1/ops-alarms/+/+')).toBe(false);
    expect(canSubscribe(api, 'system/v1/ops-alarms/+/+')).toBe(true);
    expect(canReceive(api, 'system/v1/ops-alarms/k14-ingest/session-lost')).toBe(true);
    expect(canSubscribe(api, 'system/#')).toBe(false);
    expect(canPublish(api, 'system/v1/ops-alarms/k14-ingest/store-backlog')).toBe(false);
    for (const username of ['simulator', 'dead-letter-replay', 'meter/inf-z1']) {
      expect(canPublish(identity(username), 'system/v1/ops-alarms/k14-ingest/store-backlog'), username).toBe(false);
      expect(canSubscribe(identity(username), 'system/v1/ops-alarms/+/+'), username).toBe(false);
    }
  });

  it('the API reads the live topic (and the ops alarms) only and publishes nothing', () => {
    const api = identity('api');
    expect(canSubscribe(api, 'live/v1/readings')).toBe(true);
    expect(canSubscribe(api, 'live/#')).toBe(false);
    expect(canSubscribe(api, 'k14/meter/+')).toBe(false);
    expect(canPublish(api, 'live/v1/readings')).toBe(false);
  });

  it('the simulator and the dead-letter replay publish any device topic, known or not, and read nothing', () => {
    for (const username of ['simulator', 'dead-letter-replay']) {
      const service = identity(username);
      expect(canPublish(service, 'k14/meter/not-configured')).toBe(true);
      expect(canPublish(service, 'cleanroom/mask-line/pms/pms-09')).toBe(true);
      expect(canPublish(service, 'live/v1/readings')).toBe(false);
      expect(canSubscribe(service, 'k14/meter/+')).toBe(false);
    }
  });

  it('read-write rules grant both', () => {
    const both: Identity = { username: 'x', rules: [{ access: 'readwrite', topic: 'a/+' }] };
    expect(canPublish(both, 'a/b')).toBe(true);
    expect(canSubscribe(both, 'a/+')).toBe(true);
    expect(canReceive(both, 'a/b')).toBe(true);
    expect(canPublish(both, 'a/b/c')).toBe(false);
  });
});

describe('the services’ client ids', () => {
  it('reserves every connection of ingest and the API for its own identity, and they never collide', () => {
    const reserved = reservedServiceClientIds({ ingest: 'k14-ingest', api: 'k14-api-engines' });
    expect(Object.fromEntries(reserved)).toEqual({
      'k14-ingest': 'ingest',
      [livePublisherClientId('k14-ingest')]: 'ingest',
      'k14-api-engines': 'api',
      [opsRelayClientId('k14-api-engines')]: 'api',
    });
    expect(reserved.size).toBe(4);
  });
});
