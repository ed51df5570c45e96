// MQTT topic names and filters, MQTT 3.1.1 §4.7 (same in MQTT 5 §4.7): `/` separates levels, `+`
// matches exactly one level, `#` (last, alone in its level) matches the parent and any number of
// levels below, and a filter starting with a wildcard never matches a topic starting with `$`.

const NUL = '\u0000';

/** A topic a client may publish to: at least one character, no wildcard, no NUL (§4.7.3, §1.5.3). */
export function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#') && !topic.includes(NUL);
}

/** A filter a client may subscribe with: wildcards occupy a whole level, `#` only the last one (§4.7.1). */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes(NUL)) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    if (level === '+') return true;
    return !level.includes('+') && !level.includes('#');
  });
}

/** True when `filter` matches the topic name `topic`; false for an invalid filter or topic. */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  if (!isValidTopicFilter(filter) || !isValidTopicName(topic)) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  if (startsWithWildcard(filterLevels) && topic.startsWith('$')) return false;
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * True when every topic `inner` matches is also matched by `outer`, so a subscription to `inner`
 * can only ever deliver what `outer` allows (`k14/meter/+` covers `k14/meter/m7`, not `k14/#`).
 */
export function filterCovers(outer: string, inner: string): boolean {
  if (!isValidTopicFilter(outer) || !isValidTopicFilter(inner)) return false;
  const outerLevels = outer.split('/');
  const innerLevels = inner.split('/');
  // `$`-topics reach `inner` only through a literal `$…` first level, which a wildcard in `outer` never matches.
  if (startsWithWildcard(outerLevels) && (innerLevels[0] ?? '').startsWith('$')) return false;
  for (let i = 0; i < innerLevels.length; i++) {
    const outerLevel = outerLevels[i];
    const innerLevel = innerLevels[i];
    if (outerLevel === '#') return true;
    if (outerLevel === undefined || innerLevel === '#') return false;
    if (outerLevel !== '+' && (innerLevel === '+' || outerLevel !== innerLevel)) return false;
  }
  // `a/#` also matches its parent `a`.
  return outerLevels.length === innerLevels.length || (outerLevels.length === innerLevels.length + 1 && outerLevels.at(-1) === '#');
}

function startsWithWildcard(levels: readonly string[]): boolean {
  return levels[0] === '+' || levels[0] === '#';
}
