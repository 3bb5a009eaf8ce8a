import { Center } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState, Loading } from '../shell/PageState';
import { useSession } from './session';

/** Pages behind sign-in: a visitor without a session goes to /sign-in and comes back after. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading label="Checking your session…" />;
  if (session.isError)
    return (
      <Center p="xl">
        <ErrorState title="Could not reach Strata" error={session.error} onRetry={() => void session.refetch()} />
      </Center>
    );
  if (session.data === null) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
