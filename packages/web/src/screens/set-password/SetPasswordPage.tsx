import { Alert, Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { AuthCard } from '../sign-in/AuthCard';

/** The two links Strata answers to admins: an invitation (`/invite#TOKEN`) and a password reset (`/reset#TOKEN`). */
const links = {
  invite: {
    title: 'Accept the invitation',
    explain: 'Choose the password you will sign in with. An invitation link works once, for 7 days.',
    button: 'Set the password and sign in',
    call: (token: string, password: string) => unwrap(api.POST('/api/v1/auth/invitations/accept', { body: { token, password } })),
    then: '/segments',
  },
  reset: {
    title: 'Choose a new password',
    explain: 'A reset link works once, for one hour; the new password signs you out everywhere.',
    button: 'Set the new password',
    call: (token: string, password: string) => unwrap(api.POST('/api/v1/auth/password-reset', { body: { token, password } })),
    then: '/sign-in',
  },
} as const;

function failure(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'This link is not valid: check that you copied all of it.';
  return error instanceof Error ? error.message : String(error);
}

/** /invite and /reset: the token is in the link's fragment (never sent to a server's logs), the person picks a password. */
export function SetPasswordPage({ link }: { link: keyof typeof links }) {
  const page = links[link];
  const token = useLocation().hash.slice(1);
  const navigate = useNavigate();
  const client = useQueryClient();
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => page.call(token, password),
    onSuccess: () => {
      client.clear();
      void navigate(page.then, { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <AuthCard title={page.title}>
      {token === '' ? (
        <Alert color="red" role="alert" title="The link is incomplete">
          It has no token after the #. Copy the whole link the admin sent you.
        </Alert>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {page.explain}
            </Text>
            {save.isError && (
              <Alert color="red" role="alert" title="Password not set">
                {failure(save.error)}
              </Alert>
            )}
            <PasswordInput
              label="Password"
              description="At least 12 characters; a few unrelated words make a good one"
              required
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
            />
            <Button type="submit" loading={save.isPending} fullWidth>
              {page.button}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm" mt="md" display="block">
        Go to sign in
      </Anchor>
    </AuthCard>
  );
}
