import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client';

type Me = Awaited<ReturnType<typeof fetchMe>>;
export type Session = Me;
export type Workspace = NonNullable<Me['workspaces']>[number];

const meKey = ['auth', 'me'] as const;

async function fetchMe() {
  return unwrap(api.GET('/api/v1/auth/me'));
}

/** The signed-in user, or `null` when nobody is (401); other failures are errors to show. */
export function useSession() {
  return useQuery({
    queryKey: meKey,
    queryFn: async () => {
      try {
        return await fetchMe();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Everything cached belonged to the old session or workspace: forget it all. */
function useFreshStart() {
  const client = useQueryClient();
  return () => {
    client.clear();
    void client.invalidateQueries({ queryKey: meKey });
  };
}

export function useSignIn() {
  const freshStart = useFreshStart();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: freshStart,
  });
}

export function useFirstStart() {
  const freshStart = useFreshStart();
  return useMutation({
    mutationFn: (body: { token: string; email: string; password: string }) => unwrap(api.POST('/api/v1/auth/setup', { body })),
    onSuccess: freshStart,
  });
}

export function useSignOut() {
  const freshStart = useFreshStart();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout')),
    onSuccess: freshStart,
  });
}

export function useSwitchWorkspace() {
  const freshStart = useFreshStart();
  return useMutation({
    mutationFn: (slug: string) => unwrap(api.POST('/api/v1/auth/workspace', { body: { slug } })),
    onSuccess: freshStart,
  });
}
