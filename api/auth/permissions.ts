// Roles, the permissions each grants and what each may read on the websocket. Every route declares
// one permission in its `config`; a role is a fixed set of them (least privilege, OWASP API5).
import { isWildcard, wildcardPrefix } from '../streams/channel-pattern.ts';
import { allowAll, type ChannelAccess } from '../streams/client-session.ts';

export const ROLES = ['viewer', 'operator', 'pr', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `public` needs no key; `authenticated` needs any valid key. The rest are granted by roles. Recording a
 * meter replacement rewrites totals people quote, so it is its own permission, held by admin only.
 */
export const PERMISSIONS = [
  'public',
  'authenticated',
  'water:totals',
  'water:read',
  'telemetry:read',
  'metrics:read',
  'stream:read',
  'alarms:operate',
  'dead-letters:read',
  'meters:replace',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['authenticated', 'water:totals', 'water:read', 'telemetry:read', 'metrics:read', 'stream:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  pr: new Set(['authenticated', 'water:totals', 'stream:read']),
  viewer: new Set(VIEWER),
  operator: new Set([...VIEWER, 'alarms:operate']),
  admin: new Set(PERMISSIONS),
};

/** Who made a request: an API key (its id and name), or everyone when AUTH=off. */
export interface Identity {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

export const AUTH_OFF_IDENTITY: Identity = Object.freeze({ keyId: 'auth-off', name: 'anonymous (AUTH=off)', role: 'admin' });

export function allows(role: Role, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].has(permission);
}

/** The actor written to audit trails: the key's name and id, never anything the client typed. */
export function actorOf(identity: Identity): string {
  return identity === AUTH_OFF_IDENTITY ? identity.name : `${identity.name} (key ${identity.keyId})`;
}

// Websocket channels per role: pr reads the water channel only; the others read everything.
const READABLE_CHANNELS: Readonly<Record<Role, readonly string[] | 'all'>> = { pr: ['water'], viewer: 'all', operator: 'all', admin: 'all' };

/**
 * What a role may read on /ws. A wildcard is allowed when some readable channel falls under it; the
 * session then checks each concrete channel, so `*` for pr delivers water only.
 */
export function channelAccess(role: Role): ChannelAccess {
  const readable = READABLE_CHANNELS[role];
  if (readable === 'all') return allowAll;
  return {
    canRead: (channel) => (isWildcard(channel) ? readable.some((c) => c.startsWith(wildcardPrefix(channel))) : readable.includes(channel)),
  };
}
