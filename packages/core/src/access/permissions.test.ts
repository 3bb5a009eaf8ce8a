import { describe, expect, it } from 'vitest';
import {
  apiKeyScopePermissions,
  permissionKinds,
  permissions,
  permissionsOfScopes,
  rolePermissions,
  roles,
  type Permission,
  type Role,
} from './permissions.js';

const has = (role: Role, permission: Permission) => rolePermissions[role].includes(permission);
const subset = (a: readonly Permission[], b: readonly Permission[]) => a.filter((p) => !b.includes(p));

describe('the role table', () => {
  it('gives the owner every permission and nobody anything unknown', () => {
    expect([...rolePermissions.owner].sort()).toEqual([...permissions].sort());
    for (const role of roles) expect(subset(rolePermissions[role], permissions)).toEqual([]);
  });

  it('orders roles by trust: each holds no permission the role above it lacks', () => {
    expect(subset(rolePermissions.admin, rolePermissions.owner)).toEqual([]);
    expect(subset(rolePermissions.ops, rolePermissions.admin)).toEqual([]);
    expect(subset(rolePermissions.agent, rolePermissions.admin)).toEqual([]);
    expect(subset(rolePermissions.viewer, rolePermissions.ops)).toEqual([]);
    expect(subset(rolePermissions.viewer, rolePermissions.agent)).toEqual([]);
  });

  it('keeps owners and billing to owners', () => {
    for (const role of roles.filter((r) => r !== 'owner')) {
      expect(has(role, 'owners:manage')).toBe(false);
      expect(has(role, 'billing:manage')).toBe(false);
    }
    expect(has('admin', 'users:manage')).toBe(true);
    expect(has('admin', 'keys:manage')).toBe(true);
  });

  it('lets a viewer only read', () => {
    expect(rolePermissions.viewer.filter((p) => permissionKinds[p] !== 'read')).toEqual([]);
  });

  it('lets an agent work tickets and the queue but configure nothing', () => {
    expect(rolePermissions.agent.filter((p) => permissionKinds[p] === 'configure')).toEqual([]);
    expect(has('agent', 'tickets:write')).toBe(true);
    expect(has('agent', 'queue:work')).toBe(true);
    expect(has('agent', 'keys:manage')).toBe(false);
  });

  it('lets ops configure segments, health, policies, playbooks and integrations, but not people, keys or users', () => {
    for (const p of ['segments:write', 'health:write', 'policies:write', 'playbooks:write', 'integrations:write'] as const)
      expect(has('ops', p)).toBe(true);
    for (const p of ['keys:manage', 'users:manage', 'people:erase', 'people:export', 'settings:write'] as const)
      expect(has('ops', p)).toBe(false);
  });
});

describe('API key scopes', () => {
  it('map onto the same permissions: admin is an admin user, read only reads, ingest only sends data in', () => {
    expect(apiKeyScopePermissions.admin).toEqual(rolePermissions.admin);
    expect(apiKeyScopePermissions.read.filter((p) => permissionKinds[p] !== 'read')).toEqual([]);
    expect(apiKeyScopePermissions.ingest.filter((p) => permissionKinds[p] !== 'write')).toEqual([]);
    expect(apiKeyScopePermissions.ingest).toContain('ingest');
  });

  it('combine as a union', () => {
    expect(permissionsOfScopes(['read', 'ingest']).sort()).toEqual(
      [...new Set([...apiKeyScopePermissions.read, ...apiKeyScopePermissions.ingest])].sort(),
    );
    expect(permissionsOfScopes([])).toEqual([]);
  });
});
