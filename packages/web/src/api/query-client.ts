import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

/** The app's one cache of server state; a module of its own so route loaders can prefetch into it. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network blip or a 503 while Strata starts may.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});
