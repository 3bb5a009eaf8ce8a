import { Box, Button, Group, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import { CustomerSearchBox } from './CustomerSearchBox';
import { Loading } from './PageState';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

/** The header's sections, in the order people use them. */
export const sections = [
  { label: 'Segments', to: '/segments' },
  { label: 'Queue', to: '/queue' },
  { label: 'Health', to: '/health' },
  { label: 'Playbooks', to: '/playbooks' },
  { label: 'Dashboards', to: '/dashboards' },
] as const;

/** Every signed-in page: the header (navigation, search, workspace, user) and the page below it. */
export function AppLayout() {
  return (
    // A plain header and main rather than Mantine's AppShell, which injects a <style> element the CSP refuses.
    <div className="app-layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Text component={Link} to="/segments" fw={700} size="lg" mr={4} className="brand">
              Strata
            </Text>
            <nav aria-label="Main">
              <Group gap={4} wrap="nowrap">
                {sections.map((section) => (
                  <Button key={section.to} component={NavLink} to={section.to} variant="subtle" size="compact-md" className="nav-link">
                    {section.label}
                  </Button>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <CustomerSearchBox />
            <Button component={Link} to="/segments/new" leftSection={<IconPlus size={16} aria-hidden />} size="sm">
              New segment
            </Button>
            <WorkspaceSwitcher />
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </header>
      <Box component="main" id="main" tabIndex={-1} p="md" className="app-main">
        <Suspense fallback={<Loading label="Loading the page…" />}>
          <Outlet />
        </Suspense>
      </Box>
    </div>
  );
}
