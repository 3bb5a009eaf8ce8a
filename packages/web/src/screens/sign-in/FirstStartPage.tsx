import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { useFirstStart } from '../../session/session';
import { AuthCard } from './AuthCard';

function setupErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 409) return 'Setup is already done: a user exists. Sign in instead.';
  if (error instanceof ApiError && error.status === 404)
    return 'That is not the setup token Strata printed. Copy it again from the terminal of the first start.';
  return error instanceof Error ? error.message : String(error);
}

/** /first-start: the one-time setup token printed at first start creates the owner. */
export function FirstStartPage() {
  const navigate = useNavigate();
  const setup = useFirstStart();
  const [token, setToken] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setup.mutate({ token: token.trim(), email, password }, { onSuccess: () => void navigate('/segments', { replace: true }) });
  };
  return (
    <AuthCard title="Create the owner">
      <Text size="sm" c="dimmed" mb="md">
        On its first start without <code>STRATA_BOOTSTRAP_ADMIN_EMAIL</code>, Strata printed a one-time setup token in its terminal (the
        line with <code>&quot;token&quot;</code>). Paste it here with the email and password of the owner to create.
      </Text>
      <form onSubmit={submit}>
        <Stack gap="sm">
          {setup.isError && (
            <Alert color="red" role="alert" title="Owner not created">
              {setupErrorMessage(setup.error)}
            </Alert>
          )}
          <TextInput
            label="Setup token"
            required
            value={token}
            onChange={(event) => setToken(event.currentTarget.value)}
            autoComplete="off"
          />
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
          />
          <PasswordInput
            label="Password"
            description="At least 12 characters"
            required
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <Button type="submit" loading={setup.isPending} fullWidth mt="xs">
            Create the owner and sign in
          </Button>
          <Anchor component={Link} to="/sign-in" size="sm">
            Back to sign in
          </Anchor>
        </Stack>
      </form>
    </AuthCard>
  );
}
