import { Button, Group, Paper, Select, Stack, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { segmentsQuery } from '../segments/segment-queries';
import { useCan } from './permissions';
import { cannedResponsesKey, type CannedResponse } from './canned-queries';

const channels = ['email', 'chat', 'phone', 'web', 'social'] as const;
type Channel = (typeof channels)[number];

/** Creates or edits one canned response: its Liquid body, scopes and tags, with a preview rendered for a chosen customer. */
export function CannedResponseEditor({
  saved,
  onClose,
  onSaved,
}: {
  saved: CannedResponse | undefined;
  onClose: () => void;
  onSaved: (key: string) => void;
}) {
  const can = useCan();
  const readOnly = !can('policies:write');
  const client = useQueryClient();
  const segments = useQuery(segmentsQuery);
  const [key, setKey] = useState(saved?.key ?? '');
  const [title, setTitle] = useState(saved?.title ?? '');
  const [body, setBody] = useState(saved?.body ?? '');
  const [scopeSegments, setScopeSegments] = useState<string[]>(saved?.segments ?? []);
  const [languages, setLanguages] = useState<string[]>(saved?.languages ?? []);
  const [tags, setTags] = useState<string[]>(saved?.tags ?? []);

  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/canned-responses/{key}', {
          params: { path: { key: key.trim() } },
          body: { title, body, segments: scopeSegments, languages, tags },
        }),
      ),
    onSuccess: async (response) => {
      await client.invalidateQueries({ queryKey: cannedResponsesKey });
      notify({ color: 'teal', title: 'Canned response saved', message: `${response.title} is suggested from now on.` });
      onSaved(response.key);
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/canned-responses/{key}', { params: { path: { key: saved?.key ?? key } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: cannedResponsesKey });
      notify({ color: 'teal', title: 'Canned response deleted', message: 'It is suggested no more.' });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="canned-editor-title">
      <Title order={2} size="h4" id="canned-editor-title" mb="xs">
        {saved ? `Edit ${saved.title}` : 'New canned response'}
      </Title>
      <Stack gap="sm">
        <Group grow align="flex-start">
          <TextInput
            label="Key"
            description="Lowercase letters, digits, - or _"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            disabled={readOnly || saved !== undefined}
            required
          />
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} disabled={readOnly} required />
        </Group>
        <Textarea
          label="Body"
          description="Liquid: {{ person.name }}, {{ account.plan }}, {{ ticket.subject }}; a missing value renders empty"
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          disabled={readOnly}
          autosize
          minRows={4}
          required
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <TagsInput
          label="Segments"
          description="Only for customers in one of these; any customer when empty"
          data={(segments.data ?? []).map((s) => s.key)}
          value={scopeSegments}
          onChange={setScopeSegments}
          disabled={readOnly}
        />
        <Group grow align="flex-start">
          <TagsInput
            label="Languages"
            description="ISO 639-1 codes such as en or de; any language when empty"
            value={languages}
            onChange={setLanguages}
            disabled={readOnly}
          />
          <TagsInput label="Tags" description="Count as words when matching tickets" value={tags} onChange={setTags} disabled={readOnly} />
        </Group>
        <Preview body={body} />
        {save.isError && <ErrorState title="The canned response was not saved" error={save.error} />}
        {remove.isError && <ErrorState title="The canned response was not deleted" error={remove.error} />}
        <Group>
          {!readOnly && (
            <Button type="submit" loading={save.isPending}>
              Save response
            </Button>
          )}
          {!readOnly && saved && (
            <Button color="red" variant="subtle" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete response
            </Button>
          )}
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The body rendered for a person the user names, on a channel (email and web escape HTML). */
function Preview({ body }: { body: string }) {
  const [userId, setUserId] = useState('');
  const [channel, setChannel] = useState<Channel>('email');
  const preview = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/canned-responses/preview', { body: { body, userId: userId.trim(), channel } })),
  });
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="canned-preview-title" bg="var(--mantine-color-body)">
      <Title order={3} size="h5" id="canned-preview-title" mb={4}>
        Preview
      </Title>
      <Group align="flex-end">
        <TextInput label="Customer's userId" value={userId} onChange={(e) => setUserId(e.currentTarget.value)} w={240} />
        <Select
          label="Channel"
          data={[...channels]}
          value={channel}
          onChange={(value) => setChannel((value as Channel | null) ?? 'email')}
          allowDeselect={false}
          w={140}
        />
        <Button variant="default" onClick={() => preview.mutate()} disabled={!userId.trim() || !body} loading={preview.isPending}>
          Render preview
        </Button>
      </Group>
      {preview.isError && <ErrorState title="The preview could not be rendered" error={preview.error} />}
      {preview.isSuccess && (
        <Stack gap={2} mt="sm">
          <Text size="xs" c="dimmed">
            {preview.data.html ? 'HTML-escaped, as for e-mail and web tickets' : 'Plain text, as for chat, phone and social tickets'}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} aria-label="Rendered preview" role="status">
            {preview.data.body}
          </Text>
        </Stack>
      )}
    </Paper>
  );
}
