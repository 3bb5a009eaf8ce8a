import { Code, Stack, Text, Title } from '@mantine/core';
import { EmptyState } from '../../shell/PageState';

/** /segments/new: the rule editor (CodeMirror with live diagnostics) slots in here. */
export function NewSegmentPage() {
  return (
    <Stack>
      <Title order={1} size="h2">
        New segment
      </Title>
      <EmptyState title="The segment editor comes with the next part of the web UI">
        <Text component="span">
          Until then, create a segment from a terminal, for example{' '}
          <Code>npx strata segments create vip --workspace demo --target person --rule 'plan = "enterprise"'</Code>, or with{' '}
          <Code>POST /api/v1/segments</Code> (see /api/docs). It appears in Segments at once.
        </Text>
      </EmptyState>
    </Stack>
  );
}
