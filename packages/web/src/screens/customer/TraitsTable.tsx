import { Code, Table, Text } from '@mantine/core';
import { showValue } from './format';

/** Traits as a two-column table, sorted by name; `omit` leaves out what another card shows. */
export function TraitsTable({ label, traits, omit = [] }: { label: string; traits: Record<string, unknown>; omit?: string[] }) {
  const rows = Object.keys(traits)
    .filter((k) => !omit.includes(k))
    .sort();
  if (rows.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No traits yet: they arrive with identify and group calls, or from an integration.
      </Text>
    );
  return (
    <Table aria-label={label} verticalSpacing={4} layout="fixed">
      <Table.Tbody>
        {rows.map((key) => (
          <Table.Tr key={key}>
            <Table.Th w="40%" fw={500}>
              <Code>{key}</Code>
            </Table.Th>
            <Table.Td className="wrap-anywhere">{showValue(traits[key])}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
