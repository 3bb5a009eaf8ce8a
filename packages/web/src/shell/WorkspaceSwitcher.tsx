import { Select } from '@mantine/core';
import { useNavigate } from 'react-router';
import { notify } from './notify';
import { useSession, useSwitchWorkspace } from '../session/session';

/** For users in several workspaces: choosing one starts a session there and opens its segments. */
export function WorkspaceSwitcher() {
  const session = useSession();
  const switchTo = useSwitchWorkspace();
  const navigate = useNavigate();
  const me = session.data;
  const workspaces = me?.workspaces ?? [];
  if (!me || workspaces.length < 2) return null;
  return (
    <Select
      aria-label="Workspace"
      data={workspaces.map((w) => ({ value: w.slug, label: `${w.slug} (${w.role})` }))}
      value={me.workspace.slug}
      allowDeselect={false}
      disabled={switchTo.isPending}
      w={140}
      onChange={(slug) => {
        if (!slug || slug === me.workspace.slug) return;
        switchTo.mutate(slug, {
          onSuccess: (answer) => {
            notify({ title: 'Workspace switched', message: `You are now in ${answer.workspace.slug}.` });
            void navigate('/segments');
          },
          onError: (error) => notify({ color: 'red', title: 'Could not switch workspace', message: error.message }),
        });
      }}
    />
  );
}
