import { Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { ErrorState, Loading } from '../../shell/PageState';
import { draftOf, emptyDraft } from './playbook-draft';
import { playbookQuery } from './playbook-queries';
import { PlaybookForm } from './PlaybookForm';

/** /playbooks/new */
export function NewPlaybookPage() {
  return (
    <Stack>
      <Title order={1} size="h2">
        New playbook
      </Title>
      <PlaybookForm initial={emptyDraft()} existing={false} />
    </Stack>
  );
}

/** /playbooks/:key/edit: saving makes a new version; running enrolments finish on theirs. */
export function EditPlaybookPage() {
  const key = useParams().key ?? '';
  const playbook = useQuery(playbookQuery(key));
  if (playbook.isPending) return <Loading label={`Loading ${key}…`} />;
  if (playbook.isError)
    return <ErrorState title={`Could not load playbook ${key}`} error={playbook.error} onRetry={() => void playbook.refetch()} />;
  return (
    <Stack>
      <Title order={1} size="h2">
        Edit {playbook.data.name}
      </Title>
      <PlaybookForm key={`${key}@${playbook.data.version}`} initial={draftOf(playbook.data)} existing />
    </Stack>
  );
}
