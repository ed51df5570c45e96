// Channel names (`alarms`, `water`, `samples:{roomId}`) and subscription patterns: an exact name, a
// `prefix:*` wildcard for every channel under that prefix, or `*` for every channel.
import { z } from 'zod';

const SEGMENT = '[A-Za-z0-9_.-]+';
const CHANNEL = new RegExp(`^${SEGMENT}(?::${SEGMENT})*$`);
const PATTERN = new RegExp(`^(?:\\*|${SEGMENT}(?::${SEGMENT})*(?::\\*)?)$`);
const MAX_LENGTH = 128;

export const channelNameSchema = z
  .string()
  .max(MAX_LENGTH)
  .regex(CHANNEL, 'a channel is segments of A-Z a-z 0-9 _ . - joined by ":"');

export const channelPatternSchema = z
  .string()
  .max(MAX_LENGTH)
  .regex(PATTERN, 'a channel pattern is a channel name, "prefix:*" or "*"');

export function isChannelName(value: string): boolean {
  return value.length <= MAX_LENGTH && CHANNEL.test(value);
}

export function isWildcard(pattern: string): boolean {
  return pattern === '*' || pattern.endsWith(':*');
}

/** What a wildcard's channels start with: '' for '*', 'samples:' for 'samples:*'. */
export function wildcardPrefix(pattern: string): string {
  return pattern.slice(0, -1);
}

/** Every wildcard prefix `channel` falls under, shortest first ('' then 'a:' then 'a:b:'). */
export function prefixesOf(channel: string): string[] {
  const prefixes = [''];
  for (let i = channel.indexOf(':'); i !== -1; i = channel.indexOf(':', i + 1)) prefixes.push(channel.slice(0, i + 1));
  return prefixes;
}

/** A set of patterns answering "does this concrete channel match any of them". */
export class ChannelMatcher {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(patterns: Iterable<string>) {
    for (const pattern of patterns) {
      if (isWildcard(pattern)) this.prefixes.push(wildcardPrefix(pattern));
      else this.exact.add(pattern);
    }
  }

  get hasWildcards(): boolean {
    return this.prefixes.length > 0;
  }

  has(channel: string): boolean {
    return this.exact.has(channel) || this.prefixes.some((prefix) => channel.startsWith(prefix));
  }

  /** Whether some channel matched by `pattern` may also match this set (conservative for wildcards). */
  mayOverlap(pattern: string): boolean {
    if (!isWildcard(pattern)) return this.has(pattern);
    const prefix = wildcardPrefix(pattern);
    return this.prefixes.some((p) => p.startsWith(prefix) || prefix.startsWith(p)) || [...this.exact].some((c) => c.startsWith(prefix));
  }
}
