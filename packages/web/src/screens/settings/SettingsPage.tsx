import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { Suspense } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { EmptyState, Loading } from '../../shell/PageState';
import { settingsPages, useCan } from './permissions';

/** /settings/...: the workspace's keys, people, integrations and business hours, each page shown only to who may open it. */
export function SettingsPage() {
  const can = useCan();
  const { pathname } = useLocation();
  const open = settingsPages.filter((p) => can(p.permission));
  const current = settingsPages.find((p) => pathname.startsWith(`/settings/${p.path}`));
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Settings
        </Title>
        <Text c="dimmed" size="sm">
          How this workspace is reached and who may use it.
        </Text>
      </div>
      <nav aria-label="Settings">
        <Group gap={4}>
          {open.map((p) => (
            <Button key={p.path} component={NavLink} to={`/settings/${p.path}`} variant="subtle" size="compact-md" className="nav-link">
              {p.label}
            </Button>
          ))}
        </Group>
      </nav>
      {open.length === 0 ? (
        <EmptyState title="Nothing to set here for your role">
          Settings are for owners, admins and ops; ask one of them to change your role.
        </EmptyState>
      ) : !current ? (
        <Navigate to={`/settings/${open[0]!.path}`} replace />
      ) : !can(current.permission) ? (
        <EmptyState title={`${current.label} are not open to your role`}>
          Your role in this workspace does not include {current.permission}; ask an owner or admin.
        </EmptyState>
      ) : (
        // The heading and tabs stay while a page's code loads.
        <Suspense fallback={<Loading label="Loading the page…" />}>
          <Outlet />
        </Suspense>
      )}
    </Stack>
  );
}
