import { Button, Menu, Text } from '@mantine/core';
import { IconChevronDown, IconLogout, IconSettings } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { notify } from './notify';
import { useSession, useSignOut } from '../session/session';

/** Who is signed in, with their role, and sign out. */
export function UserMenu() {
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const me = session.data;
  if (!me) return null;
  const name = me.user?.email ?? me.key?.name ?? 'API key';
  const leave = () =>
    signOut.mutate(undefined, {
      onSuccess: () => void navigate('/sign-in', { replace: true }),
      onError: (error) => notify({ color: 'red', title: 'Sign-out failed', message: error.message }),
    });
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" rightSection={<IconChevronDown size={14} aria-hidden />} aria-label={`Account menu of ${name}`}>
          <Text size="sm" truncate maw={110}>
            {name}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {name}
          {me.role ? ` · ${me.role}` : ''}
        </Menu.Label>
        <Menu.Item component={Link} to="/settings" leftSection={<IconSettings size={16} aria-hidden />}>
          Settings
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={leave} disabled={signOut.isPending}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
