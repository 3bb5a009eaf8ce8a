import { Alert, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { PlainObject } from './form-fields';
import { fieldErrorsOf } from './field-errors';
import { renderEmail } from './playbook-queries';

/**
 * An email step rendered for one customer by the server, exactly as it would be sent. The HTML is
 * shown in a sandboxed frame from `srcdoc`: no scripts run and it cannot reach the app (no
 * allow-same-origin); it inherits the app's CSP, so inline styles of the template are not applied.
 */
export function EmailPreview({ step, path, owner }: { step: PlainObject; path: string; owner: string }) {
  const [userId, setUserId] = useState('');
  const text = (name: string) => (typeof step[name] === 'string' ? step[name] : '');
  const preview = useMutation({
    mutationFn: () =>
      renderEmail({ subject: text('subject'), text: text('text'), ...(text('html') ? { html: text('html') } : {}), userId: userId.trim() }),
  });
  const errors = fieldErrorsOf(preview.error);
  return (
    <Paper withBorder p="xs" bg="var(--mantine-color-default-hover)">
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <TextInput
            label={`${owner}: Preview for customer (userId)`}
            value={userId}
            onChange={(e) => setUserId(e.currentTarget.value)}
            w={280}
          />
          <Button variant="default" onClick={() => preview.mutate()} loading={preview.isPending} disabled={userId.trim() === ''}>
            Preview email
          </Button>
        </Group>
        {preview.isError && (
          <Alert color="red" title="The email could not be rendered" role="alert">
            {errors.length > 0 ? (
              <ul>
                {errors.map((e) => (
                  <li key={e.field}>
                    <Text size="sm" span fw={600}>
                      {e.field === 'userId' ? 'Customer' : `${path}.${e.field}`}
                    </Text>
                    : {e.message}
                  </li>
                ))}
              </ul>
            ) : (
              <Text size="sm">{preview.error.message}</Text>
            )}
          </Alert>
        )}
        {preview.isSuccess && (
          <Stack gap={4} aria-label={`${owner}: rendered email`} role="group">
            <Text size="sm">
              <b>Subject:</b> {preview.data.subject}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} className="email-preview-text">
              {preview.data.text}
            </Text>
            {preview.data.html && (
              <iframe title={`${owner}: HTML preview`} sandbox="" srcDoc={preview.data.html} className="email-preview-frame" />
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
