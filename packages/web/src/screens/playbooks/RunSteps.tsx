import { Table, Text } from '@mantine/core';
import type { Run } from './playbook-queries';
import { stepLabel } from './step-kinds';

/** Where a step is, in words: "2.then.0" is "step 3, then 1". */
export function stepPlace(path: string): string {
  return path
    .split('.')
    .map((part, i) => (/^\d+$/.test(part) ? (i === 0 ? `step ${Number(part) + 1}` : String(Number(part) + 1)) : part))
    .join(' ');
}

/** The steps one run went through, in order, with each outcome and time. */
export function RunSteps({ run }: { run: Run }) {
  if (run.steps.length === 0)
    return (
      <Text size="sm" c="gray.7">
        No step has run yet{run.nextStep !== null ? `; next: ${stepPlace(run.nextStep)}` : ''}.
      </Text>
    );
  return (
    <Table aria-label={`Steps of run ${run.id}`} verticalSpacing={2} withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Step</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Outcome</Table.Th>
          <Table.Th>At</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {run.steps.map((step) => (
          <Table.Tr key={step.path}>
            <Table.Td>{stepPlace(step.path)}</Table.Td>
            <Table.Td>{stepLabel(step.type)}</Table.Td>
            <Table.Td>{step.outcome}</Table.Td>
            <Table.Td>{new Date(step.at).toLocaleString()}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
