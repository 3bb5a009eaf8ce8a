import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';

export interface DryRun {
  entering: number;
  leaving: number;
  staying: number;
  sampleEntering: string[];
  sampleLeaving: string[];
}

function Sample({ title, count, ids }: { title: string; count: number; ids: string[] }) {
  return (
    <Stack gap={4}>
      <Text fw={600}>
        {count.toLocaleString('en')} {title}
      </Text>
      {ids.length > 0 ? (
        <Group gap={4}>
          {ids.map((id) => (
            <Code key={id}>{id}</Code>
          ))}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          nobody
        </Text>
      )}
    </Stack>
  );
}

/**
 * The difference the new rule would make now (PUT /segments/{key} with dryRun, as
 * `strata segments update --dry-run` shows it), and the confirmation to save it as a new version.
 * Focus moves here so keyboard and screen-reader users meet it.
 */
export function DryRunReview({
  diff,
  nextVersion,
  saving,
  onConfirm,
  onCancel,
}: {
  diff: DryRun;
  nextVersion: number;
  saving: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const heading = useRef<HTMLParagraphElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <Alert color="blue" variant="light" title="Review the change before saving" role="region" aria-label="Review the change">
      <Stack gap="sm">
        <Text ref={heading} tabIndex={-1} data-testid="dry-run-summary">
          If saved now, {diff.entering.toLocaleString('en')} would enter, {diff.leaving.toLocaleString('en')} would leave and{' '}
          {diff.staying.toLocaleString('en')} would stay.
        </Text>
        <div className="dry-run-samples">
          <Sample title="would enter" count={diff.entering} ids={diff.sampleEntering} />
          <Sample title="would leave" count={diff.leaving} ids={diff.sampleLeaving} />
        </div>
        <Text size="sm" c="dimmed">
          Saving builds version {nextVersion} in the background; the current version serves until it is complete.
        </Text>
        <Group>
          <Button onClick={onConfirm} loading={saving}>
            Confirm and save version {nextVersion}
          </Button>
          <Button variant="default" onClick={onCancel} disabled={saving}>
            Keep editing
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
