// MQTT 3.1.1 / 5 §4.7 topic names and filters: validity, matching (with the spec's own examples)
// and whether one filter covers everything another can match.
import { describe, expect, it } from 'vitest';
import { filterCovers, isValidTopicFilter, isValidTopicName, topicMatchesFilter } from '../../../core/domain/mqtt-access/topic-filter.ts';

describe('topic names and filters', () => {
  it('accepts names without wildcards, empty levels included', () => {
    for (const name of ['k14/meter/m7', '/', 'a//b', '/leading', 'trailing/', '$SYS/broker/uptime', 'with space']) expect(isValidTopicName(name), name).toBe(true);
    for (const name of ['', 'k14/meter/+', 'k14/#', 'a+b', 'nul\u0000']) expect(isValidTopicName(name), name).toBe(false);
  });

  it('accepts wildcards only as a whole level, `#` only last (§4.7.1)', () => {
    for (const filter of ['#', '+', 'sport/#', 'sport/tennis/+', '+/+', '/+', '+/tennis/#', 'a//b', 'k14/meter/m7']) expect(isValidTopicFilter(filter), filter).toBe(true);
    for (const filter of ['', 'sport/tennis#', 'sport/tennis/#/ranking', 'sport+', '#/a', 'a/b+/c', 'nul\u0000/#']) expect(isValidTopicFilter(filter), filter).toBe(false);
  });
});

describe('matching a topic against a filter', () => {
  const matches = (filter: string, topic: string) => topicMatchesFilter(filter, topic);

  it('`#` matches the parent and any number of levels below (§4.7.1.2)', () => {
    expect(matches('sport/tennis/player1/#', 'sport/tennis/player1')).toBe(true);
    expect(matches('sport/tennis/player1/#', 'sport/tennis/player1/ranking')).toBe(true);
    expect(matches('sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon')).toBe(true);
    expect(matches('sport/#', 'sport')).toBe(true);
    expect(matches('#', 'anything/at/all')).toBe(true);
    expect(matches('sport/#', 'sports')).toBe(false);
  });

  it('`+` matches exactly one level, an empty one included (§4.7.1.3)', () => {
    expect(matches('sport/tennis/+', 'sport/tennis/player1')).toBe(true);
    expect(matches('sport/tennis/+', 'sport/tennis/player1/ranking')).toBe(false);
    expect(matches('sport/+', 'sport')).toBe(false);
    expect(matches('sport/+', 'sport/')).toBe(true);
    expect(matches('+/+', '/finance')).toBe(true);
    expect(matches('/+', '/finance')).toBe(true);
    expect(matches('+', '/finance')).toBe(false);
    expect(matches('cleanroom/+/pms/+', 'cleanroom/mask-line/pms/pms-01')).toBe(true);
    expect(matches('cleanroom/+/pms/+', 'cleanroom/mask-line/pms')).toBe(false);
  });

  it('matches literal levels exactly, case and all', () => {
    expect(matches('k14/meter/m7', 'k14/meter/m7')).toBe(true);
    expect(matches('k14/meter/m7', 'k14/meter/m70')).toBe(false);
    expect(matches('k14/meter/m7', 'K14/meter/m7')).toBe(false);
    expect(matches('k14/meter/m7', 'k14/meter/m7/')).toBe(false);
  });

  it('never matches a `$` topic with a leading wildcard (§4.7.2)', () => {
    expect(matches('#', '$SYS/broker/uptime')).toBe(false);
    expect(matches('+/monitor/Clients', '$SYS/monitor/Clients')).toBe(false);
    expect(matches('$SYS/#', '$SYS/monitor/Clients')).toBe(true);
    expect(matches('$SYS/monitor/+', '$SYS/monitor/Clients')).toBe(true);
  });

  it('matches nothing with an invalid filter or topic', () => {
    expect(matches('sport/tennis#', 'sport/tennis#')).toBe(false);
    expect(matches('#', 'k14/meter/+')).toBe(false);
    expect(matches('#', '')).toBe(false);
  });
});

describe('one filter covering another', () => {
  it('holds when every topic the inner filter matches is matched by the outer one', () => {
    expect(filterCovers('k14/meter/+', 'k14/meter/m7')).toBe(true);
    expect(filterCovers('k14/meter/+', 'k14/meter/+')).toBe(true);
    expect(filterCovers('k14/#', 'k14/meter/+')).toBe(true);
    expect(filterCovers('k14/#', 'k14/#')).toBe(true);
    expect(filterCovers('k14/#', 'k14')).toBe(true);
    expect(filterCovers('#', '+/+/#')).toBe(true);
    expect(filterCovers('+/+/pms/+', 'cleanroom/+/pms/+')).toBe(true);
  });

  it('fails when the inner filter can match something the outer one does not', () => {
    expect(filterCovers('k14/meter/m7', 'k14/meter/+')).toBe(false);
    expect(filterCovers('k14/meter/+', 'k14/#')).toBe(false);
    expect(filterCovers('k14/meter/+', 'k14/meter/+/x')).toBe(false);
    expect(filterCovers('k14/meter/+', 'k14/meter')).toBe(false);
    expect(filterCovers('k14/+/#', 'k14/#')).toBe(false);
    expect(filterCovers('live/v1/readings', '#')).toBe(false);
    expect(filterCovers('#', '$SYS/broker/uptime')).toBe(false);
    expect(filterCovers('+/broker/uptime', '$SYS/broker/uptime')).toBe(false);
    expect(filterCovers('$SYS/broker/uptime', '$SYS/broker/uptime')).toBe(true);
    expect(filterCovers('k14/meter/+', 'k14/meter/#bad')).toBe(false);
  });

  it('agrees with matching: a covered filter’s topics all match the outer filter', () => {
    const filters = ['#', '+', 'a', 'a/#', 'a/+', 'a/b', '+/b', 'a/+/c', 'a/b/#', '+/#', '$x/#', '$x/b'];
    const topics = ['a', 'a/b', 'a/c', 'b/b', 'a/b/c', 'a/x/c', 'a//c', '/b', '$x/b', '$x', 'a/'];
    for (const outer of filters) {
      for (const inner of filters) {
        if (!filterCovers(outer, inner)) continue;
        for (const topic of topics.filter((t) => topicMatchesFilter(inner, t))) expect(topicMatchesFilter(outer, topic), `${outer} ⊇ ${inner} at ${topic}`).toBe(true);
      }
    }
  });
});
