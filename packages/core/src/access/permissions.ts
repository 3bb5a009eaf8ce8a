/**
 * Who may do what, as plain data: roles of a workspace's users and scopes of its API keys both
 * resolve to the same permissions, which routes ask for by name. See docs/security.md.
 */

/** A user's role in one workspace, from most to least trusted. */
export const roles = ['owner', 'admin', 'ops', 'agent', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** The scopes an API key carries (`strata keys create --scopes`). */
export const apiKeyScopes = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/**
 * Every permission a route can ask for, with its kind: `read` sees data, `write` changes data
 * (customers, tickets, the queue), `configure` changes how the workspace works. A new
 * permission fails to compile until it has a kind.
 */
export const permissionKinds = {
  'segments:read': 'read',
  'people:read': 'read',
  'tickets:read': 'read',
  'settings:read': 'read',
  'system:read': 'read',
  'users:read': 'read',
  'integrations:read': 'read',
  'webhooks:read': 'read',
  'audit:read': 'read',
  ingest: 'write',
  'tickets:write': 'write',
  'surveys:write': 'write',
  'queue:work': 'write',
  'people:export': 'write',
  'people:erase': 'write',
  'segments:write': 'configure',
  'health:write': 'configure',
  'policies:write': 'configure',
  'playbooks:write': 'configure',
  'integrations:write': 'configure',
  'webhooks:write': 'configure',
  'settings:write': 'configure',
  'keys:manage': 'configure',
  'users:manage': 'configure',
  'owners:manage': 'configure',
  'billing:manage': 'configure',
} as const satisfies Record<string, 'read' | 'write' | 'configure'>;

export type Permission = keyof typeof permissionKinds;
export type PermissionKind = (typeof permissionKinds)[Permission];

/** Every permission, in the order of `permissionKinds`. */
export const permissions = Object.keys(permissionKinds) as Permission[];

/** Only the workspace's owners may touch these: other owners, and the workspace's billing. */
const ownersOnly: readonly Permission[] = ['owners:manage', 'billing:manage'];

const viewer: readonly Permission[] = ['segments:read', 'people:read', 'tickets:read', 'settings:read', 'system:read', 'users:read'];

/** The one table of what each role may do; `requirePermission` and the docs read it. */
export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  owner: permissions,
  // Everything but the workspace's billing and its owners.
  admin: permissions.filter((p) => !ownersOnly.includes(p)),
  ops: [
    ...viewer,
    'segments:write',
    'health:write',
    'policies:write',
    'playbooks:write',
    'integrations:read',
    'integrations:write',
    'webhooks:read',
    'webhooks:write',
  ],
  agent: [...viewer, 'tickets:write', 'surveys:write', 'queue:work'],
  viewer,
};

/**
 * What each API key scope grants, on the same permissions. `admin` is an admin user's set;
 * `read` the reads a reporting tool needs (not integration or webhook settings, which hold
 * addresses and delivery payloads); `ingest` sending data in: events, tickets, survey answers.
 */
export const apiKeyScopePermissions: Readonly<Record<ApiKeyScope, readonly Permission[]>> = {
  admin: rolePermissions.admin,
  read: ['segments:read', 'people:read', 'tickets:read', 'settings:read', 'system:read'],
  ingest: ['ingest', 'tickets:write', 'surveys:write'],
};

/** The union of what a key's scopes grant, in `permissions` order. */
export function permissionsOfScopes(scopes: readonly ApiKeyScope[]): Permission[] {
  const granted = new Set(scopes.flatMap((s) => apiKeyScopePermissions[s]));
  return permissions.filter((p) => granted.has(p));
}

/** True for a role name as stored or sent. */
export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
