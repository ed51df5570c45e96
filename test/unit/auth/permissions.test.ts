// Roles and what they grant: the permission table and the websocket channels each role may read.
import { describe, expect, it } from 'vitest';
import { actorOf, allows, AUTH_OFF_IDENTITY, channelAccess, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../../../api/auth/permissions.ts';

describe('role permissions', () => {
  it('grant exactly this table', () => {
    const table = Object.fromEntries(ROLES.map((role) => [role, PERMISSIONS.filter((p) => allows(role, p))]));
    expect(table).toEqual({
      viewer: ['public', 'authenticated', 'water:totals', 'water:read', 'telemetry:read', 'metrics:read', 'stream:read'],
      operator: ['public', 'authenticated', 'water:totals', 'water:read', 'telemetry:read', 'metrics:read', 'stream:read', 'alarms:operate'],
      pr: ['public', 'authenticated', 'water:totals', 'stream:read'],
      admin: [...PERMISSIONS],
    });
  });

  it('nest: each operator right is an admin right, each viewer right an operator right', () => {
    for (const p of ROLE_PERMISSIONS.viewer) expect(ROLE_PERMISSIONS.operator.has(p)).toBe(true);
    for (const p of ROLE_PERMISSIONS.operator) expect(ROLE_PERMISSIONS.admin.has(p)).toBe(true);
    for (const p of ROLE_PERMISSIONS.pr) expect(ROLE_PERMISSIONS.viewer.has(p)).toBe(true);
  });
});

describe('websocket channel access', () => {
  it('gives pr the water channel only, through names and wildcards alike', () => {
    const pr = channelAccess('pr');
    expect(['water', '*', 'alarms', 'samples:mask-line', 'samples:*', 'water:x'].map((c) => [c, pr.canRead(c)])).toEqual([
      ['water', true],
      ['*', true],
      ['alarms', false],
      ['samples:mask-line', false],
      ['samples:*', false],
      ['water:x', false],
    ]);
  });

  it('gives the other roles everything', () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) expect(['alarms', 'samples:*', '*'].every((c) => channelAccess(role).canRead(c))).toBe(true);
  });
});

describe('actorOf', () => {
  it('names the key, so the audit trail says which credential acted', () => {
    expect(actorOf({ keyId: '0a1b2c3d4e5f', name: 'control room', role: 'operator' })).toBe('control room (key 0a1b2c3d4e5f)');
    expect(actorOf(AUTH_OFF_IDENTITY)).toBe('anonymous (AUTH=off)');
  });
});
