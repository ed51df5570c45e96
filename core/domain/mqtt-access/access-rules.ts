// What an identity may do on the broker, from its ACL rules: publish a topic (a write rule matches
// it), subscribe with a filter (a read rule covers every topic the filter can match) and receive a
// message (a read rule matches its topic). Anything not granted is denied, as in Mosquitto's acl_file.
import type { AclRule, Identity } from './identities.ts';
import { filterCovers, isValidTopicFilter, isValidTopicName, topicMatchesFilter } from './topic-filter.ts';

/** MQTT 5 §4.8.2 shared subscriptions: `$share/{group}/{filter}` delivers what `{filter}` would. */
const SHARED_SUBSCRIPTION = /^\$share\/[^/+#]+\/(.+)$/;

const writes = (rule: AclRule): boolean => rule.access === 'write' || rule.access === 'readwrite';
const reads = (rule: AclRule): boolean => rule.access === 'read' || rule.access === 'readwrite';

export function canPublish(identity: Identity, topic: string): boolean {
  return isValidTopicName(topic) && identity.rules.some((rule) => writes(rule) && topicMatchesFilter(rule.topic, topic));
}

export function canSubscribe(identity: Identity, filter: string): boolean {
  const inner = SHARED_SUBSCRIPTION.exec(filter)?.[1] ?? filter;
  return isValidTopicFilter(inner) && identity.rules.some((rule) => reads(rule) && filterCovers(rule.topic, inner));
}

export function canReceive(identity: Identity, topic: string): boolean {
  return isValidTopicName(topic) && identity.rules.some((rule) => reads(rule) && topicMatchesFilter(rule.topic, topic));
}
