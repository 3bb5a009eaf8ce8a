import { Alert, Anchor, Button, Code, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSession, useSignIn } from '../../session/session';
import { AuthCard } from './AuthCard';
import { nextPage } from './next-page';
import { signInErrorMessage } from './sign-in-error';

/** /sign-in: email and password; back to the page asked for after. */
export function SignInPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = nextPage(search);
  if (session.data) return <Navigate to={next} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password }, { onSuccess: () => void navigate(next, { replace: true }) });
  };
  return (
    <AuthCard title="Sign in">
      <form onSubmit={submit} noValidate={false}>
        <Stack gap="sm">
          {signIn.isError && (
            <Alert color="red" role="alert" title="Not signed in">
              {signInErrorMessage(signIn.error)}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            data-autofocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <Button type="submit" loading={signIn.isPending} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
      <Stack gap={6} mt="lg">
        <Text size="sm" fw={600}>
          First start?
        </Text>
        <Text size="sm" c="dimmed">
          Sign in as the owner Strata created from <Code>STRATA_BOOTSTRAP_ADMIN_EMAIL</Code> and{' '}
          <Code>STRATA_BOOTSTRAP_ADMIN_PASSWORD</Code>, or, if you started without them,{' '}
          <Anchor component={Link} to="/first-start" size="sm">
            create the owner with the setup token
          </Anchor>{' '}
          Strata printed in its terminal. The owner can open the <Code>demo</Code> workspace from the workspace menu.
        </Text>
      </Stack>
    </AuthCard>
  );
}
