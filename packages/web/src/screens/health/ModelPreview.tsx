import { Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import type { paths } from '../../api/openapi';
import { ErrorState } from '../../shell/PageState';

type Preview = paths['/api/v1/health-models/{key}/preview']['post']['responses'][200]['content']['application/json'];

/** What the edited model would score, beside what the saved one scores now, before anything is saved. */
export function ModelPreview({
  preview,
  pending,
  failed,
  refused,
}: {
  preview: Preview | undefined;
  pending: boolean;
  failed: unknown;
  refused: boolean;
}) {
  if (failed) return <ErrorState title="The preview could not be computed" error={failed} />;
  return (
    <Stack gap="xs" component="section" aria-labelledby="preview-title">
      <Group gap="sm">
        <Title order={3} size="h5" id="preview-title">
          Preview before saving
        </Title>
        <Text size="xs" c="gray.7" aria-live="polite">
          {refused ? 'fix the marked fields to see the scores' : pending ? 'scoring…' : ''}
        </Text>
      </Group>
      {preview && (
        <>
          <Text size="sm">
            {`${preview.sampled} of ${preview.accounts} accounts scored; ${preview.bandChanges} would change band. `}
            {preview.bands.map((b) => `${b.name}: ${b.count}`).join(' · ')}
          </Text>
          <Table aria-label="Scores with the edit and now" verticalSpacing={2} maw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Score</Table.Th>
                <Table.Th>With the edit</Table.Th>
                <Table.Th>Saved model</Table.Th>
                <Table.Th w="40%">Share with the edit</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.bins.map((b) => (
                <Table.Tr key={b.from}>
                  <Table.Td>{`${b.from}–${b.to}`}</Table.Td>
                  <Table.Td>{b.count}</Table.Td>
                  <Table.Td>{b.savedCount}</Table.Td>
                  <Table.Td>
                    <Progress
                      value={preview.sampled === 0 ? 0 : (b.count / preview.sampled) * 100}
                      aria-label={`Share of accounts scoring ${b.from} to ${b.to} with the edit`}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
