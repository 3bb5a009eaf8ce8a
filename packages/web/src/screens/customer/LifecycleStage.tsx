import { Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

const prefix = 'lifecycle-';

/**
 * The account's lifecycle stage: the `lifecycle-…` segment that holds it (the stage segments never
 * overlap). Reads the same query as the Segments section, so it costs no request of its own.
 */
export function LifecycleStage({ groupId }: { groupId: string }) {
  const segments = useQuery({
    queryKey: ['account', groupId, 'segments'],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{groupId}/segments', { params: { path: { groupId } } })),
  });
  if (!segments.data) return null;
  const stage = segments.data.find((s) => s.key.startsWith(prefix))?.key.slice(prefix.length);
  return (
    <Badge variant={stage ? 'light' : 'default'} aria-label="Lifecycle stage">
      {stage ? `stage: ${stage}` : 'no lifecycle stage'}
    </Badge>
  );
}
