import { useSession } from '../../session/session';

/** What the signed-in user (or key) may do here, from GET /api/v1/auth/me: the page shows only that. */
export function useCan(): (permission: string) => boolean {
  const permissions = new Set<string>(useSession().data?.permissions ?? []);
  return (permission) => permissions.has(permission);
}

/** The settings pages, each with the permission that opens it. */
export const settingsPages = [
  { path: 'keys', label: 'API keys', permission: 'keys:manage' },
  { path: 'users', label: 'Users and roles', permission: 'users:read' },
  { path: 'integrations', label: 'Integrations', permission: 'integrations:read' },
  { path: 'ingestion', label: 'Ingestion', permission: 'settings:read' },
  { path: 'business-hours', label: 'Business hours', permission: 'settings:read' },
  { path: 'support-policies', label: 'Support policies', permission: 'settings:read' },
  { path: 'text-models', label: 'Text models', permission: 'settings:read' },
  { path: 'queues', label: 'Queues', permission: 'settings:read' },
  { path: 'canned-responses', label: 'Canned responses', permission: 'tickets:read' },
  { path: 'lifecycle', label: 'Lifecycle', permission: 'settings:read' },
  { path: 'workspace', label: 'Workspace', permission: 'settings:read' },
  { path: 'system', label: 'System', permission: 'system:read' },
] as const;
