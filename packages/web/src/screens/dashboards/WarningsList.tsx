import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../shell/PageState';
import { warningsQuery } from './dashboard-queries';

/** Warnings about the segmentation (GET /api/v1/analytics/warnings), one row each. */
export function WarningsList() {
  const warnings = useQuery(warningsQuery);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="warnings-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="warnings-title">
          Warnings
        </Title>
        {warnings.isError ? (
          <ErrorState title="Could not load the warnings" error={warnings.error} onRetry={() => void warnings.refetch()} />
        ) : warnings.isPending ? (
          <Loading label="Checking the segments…" />
        ) : warnings.data.length === 0 ? (
          <Text c="dimmed">No warnings: the segments are distinct, sized to act on, and read by something.</Text>
        ) : (
          <Table aria-label="Segmentation warnings" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Warning</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {warnings.data.map((w, index) => (
                <Table.Tr key={`${w.code}:${w.segments.join('+')}:${index}`}>
                  <Table.Td>
                    <Badge variant="light" color="dark">
                      {w.code}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{w.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
