import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiKeyScopePermissions, permissionKinds, permissions, rolePermissions, roles, type Permission } from '@strata/core';

/** docs/security.md shows the permission table; it must say what the code enforces. */
const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([a-z:]+)` +\| (\w+) +\|(.*)\|$/gm)].map(([, permission, kind, cells]) => ({
  permission: permission as Permission,
  kind,
  marks: cells!.split('|').map((c) => c.trim() === '✓'),
}));
const columns = [...roles.map((r) => rolePermissions[r]), ...(['admin', 'read', 'ingest'] as const).map((s) => apiKeyScopePermissions[s])];

describe('docs/security.md', () => {
  it('lists every permission with its kind, and marks exactly what each role and key scope holds', () => {
    expect(rows.map((r) => r.permission)).toEqual(permissions);
    for (const row of rows) {
      expect(row.kind, row.permission).toBe(permissionKinds[row.permission]);
      expect(row.marks, row.permission).toEqual(columns.map((granted) => granted.includes(row.permission)));
    }
  });
});
