import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export const playbooksKey = ['playbooks'] as const;
export const loadPlaybooks = () => unwrap(api.GET('/api/v1/playbooks'));
export type Playbook = Awaited<ReturnType<typeof loadPlaybooks>>[number];
export const playbookQuery = (key: string) =>
  queryOptions({
    queryKey: [...playbooksKey, key],
    queryFn: () => unwrap(api.GET('/api/v1/playbooks/{key}', { params: { path: { key } } })),
  });

export const runStatuses = ['active', 'completed', 'exited', 'stopped', 'failed'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const runsQuery = (key: string, filter: { status?: RunStatus | undefined; personId?: string | undefined; limit?: number }) =>
  queryOptions({
    queryKey: [...playbooksKey, key, 'runs', filter],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/playbooks/{key}/runs', {
          params: {
            path: { key },
            query: {
              limit: filter.limit ?? 50,
              ...(filter.status ? { status: filter.status } : {}),
              ...(filter.personId ? { personId: filter.personId } : {}),
            },
          },
        }),
      ),
  });
export type Run = Awaited<ReturnType<NonNullable<ReturnType<typeof runsQuery>['queryFn']>>>[number];

export const tasksKey = ['tasks'] as const;
export const tasksQuery = (filter: { assignee?: string | undefined; status?: 'open' | 'done' | undefined }) =>
  queryOptions({
    queryKey: [...tasksKey, filter],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: {
            query: {
              limit: 500,
              ...(filter.assignee ? { assignee: filter.assignee } : {}),
              ...(filter.status ? { status: filter.status } : {}),
            },
          },
        }),
      ),
  });
export type CsmTask = Awaited<ReturnType<NonNullable<ReturnType<typeof tasksQuery>['queryFn']>>>[number];

/**
 * A call the typed client cannot make yet: the contract's playbook endpoints that other branches
 * add (the experiment readout, the email preview) and playbook bodies with the triggers, steps and
 * guards they add. Same-origin like the typed client, and its errors are the same ApiError.
 */
export function contractCall<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  return unwrap<T>(
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (response) => {
      const parsed: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
      return response.ok ? { data: parsed as T, response } : { error: parsed, response };
    }),
  );
}

/** `GET /api/v1/playbooks/{key}/experiment` as the contract gives it. */
export interface ExperimentGroup {
  key?: string;
  enrolled: number;
  reached: number;
  rate: number | null;
  lift?: number | null;
  ci?: [number, number] | null;
  pValue?: number | null;
  n?: number;
  mean?: number | null;
}
export interface ExperimentWarning {
  code: string;
  message?: string;
}
export interface ExperimentReadout {
  arms: Array<ExperimentGroup & { key: string }>;
  holdout: ExperimentGroup | null;
  warnings: Array<ExperimentWarning | string>;
}
export const experimentQuery = (key: string) =>
  queryOptions({
    queryKey: [...playbooksKey, key, 'experiment'],
    queryFn: () => contractCall<ExperimentReadout>('GET', `/api/v1/playbooks/${encodeURIComponent(key)}/experiment`),
  });

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string | null;
}
export const renderEmail = (body: { subject: string; text: string; html?: string; userId: string }) =>
  contractCall<RenderedEmail>('POST', '/api/v1/playbooks/render-email', body);
