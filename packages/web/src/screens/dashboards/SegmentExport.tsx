import { Anchor, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';

/** A segment's members as CSV (GET /api/v1/segments/{key}/members.csv), streamed by the server, with the traits chosen. */
export function SegmentExport({ keys }: { keys: string[] }) {
  const [key, setKey] = useState(keys[0] ?? '');
  const [fields, setFields] = useState('');
  const chosen = fields
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .join(',');
  const href = `/api/v1/segments/${encodeURIComponent(key)}/members.csv${chosen ? `?fields=${encodeURIComponent(chosen)}` : ''}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="export-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="export-title">
          Export a segment
        </Title>
        <Group align="flex-end" gap="xs">
          <NativeSelect label="Segment" value={key} onChange={(e) => setKey(e.currentTarget.value)} data={keys} />
          <TextInput
            label="Fields"
            description="traits and computed fields, comma separated; none: the id and when it entered"
            value={fields}
            onChange={(e) => setFields(e.currentTarget.value)}
            w={320}
          />
          <Anchor href={href} download={`${key}.csv`} pb={6}>
            {`Download ${key}.csv`}
          </Anchor>
        </Group>
        <Text size="xs">UTF-8 with a header row; cells that a spreadsheet would run as a formula are quoted.</Text>
      </Stack>
    </Paper>
  );
}
