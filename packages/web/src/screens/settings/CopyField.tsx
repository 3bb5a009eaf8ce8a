import { ActionIcon, Code, CopyButton, Group, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A value to paste elsewhere (a secret, a link, a webhook URL) with a button that copies it and says so. */
export function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Code className="copy-value" aria-label={label}>
        {value}
      </Code>
      <CopyButton value={value} timeout={4000}>
        {({ copied, copy }) => (
          <Group gap={4} wrap="nowrap">
            <ActionIcon variant="light" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`Copy ${label}`}>
              {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
            </ActionIcon>
            {/* Announced to screen readers, and what the browser test reads. */}
            <Text size="xs" c="teal.9" role="status" miw={48}>
              {copied ? 'Copied' : ''}
            </Text>
          </Group>
        )}
      </CopyButton>
    </Group>
  );
}
