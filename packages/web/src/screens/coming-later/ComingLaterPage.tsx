import { Button, Code, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../../shell/PageState';

/** A section whose screen is not built yet: says so, and where to do the job meanwhile. */
export function ComingLaterPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack>
      <Title order={1} size="h2">
        {title}
      </Title>
      <EmptyState
        title={`The ${title.toLowerCase()} screen comes with the next part of the web UI`}
        action={
          <Button component={Link} to="/segments" variant="light">
            Go to Segments
          </Button>
        }
      >
        {children}
      </EmptyState>
    </Stack>
  );
}

export const PlaybooksPage = () => (
  <ComingLaterPage title="Playbooks">
    Playbooks (plays that run when a customer enters a segment) come with the playbooks capability. Membership webhooks already notify your
    tools: see <Code>/api/docs</Code>.
  </ComingLaterPage>
);
