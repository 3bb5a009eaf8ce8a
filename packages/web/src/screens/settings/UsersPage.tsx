import { Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { notify } from '../../shell/notify';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { CopyField } from './CopyField';
import { useCan } from './permissions';
import { when } from './when';

const roles = ['owner', 'admin', 'ops', 'agent', 'viewer'] as const;
type Role = (typeof roles)[number];
const usersKey = ['users'] as const;

/** Roles the caller may hand out: only owners make owners. */
function useGrantableRoles(): Role[] {
  const can = useCan();
  return roles.filter((r) => r !== 'owner' || can('owners:manage'));
}

/** /settings/users: the workspace's members and their roles; invite, change a role, remove. */
export function UsersPage() {
  const can = useCan();
  const users = useQuery({ queryKey: usersKey, queryFn: listUsers });
  return (
    <Stack gap="lg">
      {can('users:manage') && <InviteForm />}
      <section aria-labelledby="users-title">
        <Title order={2} size="h4" id="users-title" mb="xs">
          Members
        </Title>
        {users.isPending ? (
          <Loading label="Loading the members…" />
        ) : users.isError ? (
          <ErrorState title="The members could not be loaded" error={users.error} onRetry={() => void users.refetch()} />
        ) : users.data.items.length === 0 ? (
          <EmptyState title="Nobody is a member yet">Invite a colleague above; they set a password from the link.</EmptyState>
        ) : (
          <MembersTable members={users.data.items} manage={can('users:manage')} />
        )}
      </section>
    </Stack>
  );
}

function InviteForm() {
  const client = useQueryClient();
  const grantable = useGrantableRoles();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const invite = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users', { body: { email, role } })),
    onSuccess: () => {
      setEmail('');
      void client.invalidateQueries({ queryKey: usersKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="invite-title">
      <Title order={2} size="h4" id="invite-title" mb="xs">
        Invite someone
      </Title>
      <Group align="flex-end">
        <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required w={300} />
        <Select
          label="Role"
          data={grantable}
          value={role}
          onChange={(v) => v && setRole(v as Role)}
          allowDeselect={false}
          w={160}
          comboboxProps={{ withinPortal: true }}
        />
        <Button type="submit" loading={invite.isPending}>
          Invite
        </Button>
      </Group>
      {invite.isError && <ErrorState title="The invitation was not made" error={invite.error} />}
      {invite.data && (
        <Paper withBorder p="md" mt="md" role="status" className="done-panel">
          <Title order={3} size="h5" mb="xs">
            {invite.data.email} is invited as {invite.data.role}
          </Title>
          {invite.data.inviteUrl ? (
            <Stack gap="xs">
              <Text size="sm">
                Send them this link; with it they set a password. It works once, until {when(invite.data.expiresAt)}. Strata sends no email.
              </Text>
              <CopyField label="the invitation link" value={invite.data.inviteUrl} />
            </Stack>
          ) : (
            <Text size="sm">They already have a password: they sign in and pick this workspace.</Text>
          )}
        </Paper>
      )}
    </Paper>
  );
}

type Member = Awaited<ReturnType<typeof listUsers>>['items'][number];
const listUsers = () => unwrap(api.GET('/api/v1/users'));

function MembersTable({ members, manage }: { members: Member[]; manage: boolean }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Since</Table.Th>
            {manage && <Table.Th>Remove</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>
                <Group gap="xs">
                  <Text size="sm">{m.email}</Text>
                  {!m.active && <Badge variant="default">invited</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{manage ? <RoleSelect member={m} /> : m.role}</Table.Td>
              <Table.Td>{when(m.createdAt)}</Table.Td>
              {manage && (
                <Table.Td>
                  <RemoveButton member={m} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RoleSelect({ member }: { member: Member }) {
  const client = useQueryClient();
  const grantable = useGrantableRoles();
  const change = useMutation({
    mutationFn: (role: Role) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: member.id } }, body: { role } })),
    onSuccess: (updated) => {
      notify({ color: 'teal', title: 'Role changed', message: `${updated.email} is now ${updated.role}.` });
      void client.invalidateQueries({ queryKey: usersKey });
    },
    onError: (error) => notify({ color: 'red', title: 'The role was not changed', message: error.message }),
  });
  // An owner's role is the owners' to change: others see it, but cannot pick it.
  const locked = member.role === 'owner' && !grantable.includes('owner');
  return (
    <Select
      aria-label={`Role of ${member.email}`}
      data={locked ? [member.role] : grantable}
      value={member.role}
      onChange={(v) => v && v !== member.role && change.mutate(v as Role)}
      allowDeselect={false}
      disabled={locked || change.isPending}
      size="xs"
      w={130}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function RemoveButton({ member }: { member: Member }) {
  const client = useQueryClient();
  const me = useSession().data;
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id: member.id } } })),
    onSuccess: () => {
      notify({ color: 'teal', title: 'Member removed', message: `${member.email} no longer has access to this workspace.` });
      void client.invalidateQueries({ queryKey: usersKey });
    },
    onError: (error) => notify({ color: 'red', title: 'The member was not removed', message: error.message }),
  });
  if (me?.user?.id === member.id)
    return (
      <Text size="sm" c="dimmed">
        you
      </Text>
    );
  if (!asking)
    return (
      <Button size="compact-sm" variant="outline" color="red.9" onClick={() => setAsking(true)} aria-label={`Remove ${member.email}`}>
        Remove
      </Button>
    );
  return (
    <Group gap={4} wrap="nowrap">
      <Button
        size="compact-sm"
        color="red.9"
        loading={remove.isPending}
        onClick={() => remove.mutate()}
        aria-label={`Confirm removing ${member.email}`}
      >
        Remove for good
      </Button>
      <Button size="compact-sm" variant="default" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Group>
  );
}
