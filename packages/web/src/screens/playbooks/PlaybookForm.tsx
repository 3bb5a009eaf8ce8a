import { Alert, Button, Checkbox, Group, Paper, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { fieldSchemaOf } from '../segment-editor/rule-language';
import { segmentsQuery } from '../dashboards/dashboard-queries';
import { ExperimentFields } from './ExperimentFields';
import { FieldErrorsContext, fieldErrorsOf, useFieldError } from './field-errors';
import { PlaybookFormDataContext } from './form-context';
import { GuardFields } from './GuardFields';
import { bodyOf, generatedSecretsOf, newExperiment, type PlaybookDraft } from './playbook-draft';
import { contractCall, playbooksKey, type Playbook } from './playbook-queries';
import { RuleField } from './RuleField';
import { StepList } from './StepList';
import { TriggerFields } from './TriggerFields';

/**
 * Creates or edits a playbook: name and key, the kill switch, trigger, filter, steps, guards and an
 * optional experiment. The server checks it all; each mistake it names is shown at its field and
 * listed above the Save button.
 */
export function PlaybookForm({ initial, existing }: { initial: PlaybookDraft; existing: boolean }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const fields = useQuery({ queryKey: ['fields'], queryFn: () => unwrap(api.GET('/api/v1/fields')), staleTime: 60_000 });
  const segments = useQuery(segmentsQuery);
  const schema = useMemo(() => (fields.data ? fieldSchemaOf(fields.data) : undefined), [fields.data]);
  const formData = useMemo(() => ({ fields: fields.data, schema, segments: segments.data ?? [] }), [fields.data, schema, segments.data]);
  const [draft, setDraft] = useState(initial);
  const update = (change: Partial<PlaybookDraft>) => setDraft((d) => ({ ...d, ...change }));
  const save = useMutation({
    mutationFn: () => contractCall<Playbook>('PUT', `/api/v1/playbooks/${encodeURIComponent(draft.key)}`, bodyOf(draft)),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: playbooksKey });
      notify({ color: 'teal', title: `Playbook saved (version ${saved.version})`, message: 'Runs that start from now take this version.' });
      // Secrets the save made are answered this once: stay to show them.
      if (generatedSecretsOf(saved).length === 0) void navigate(`/playbooks/${saved.key}`);
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/playbooks/{key}', { params: { path: { key: draft.key } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: playbooksKey });
      notify({ color: 'teal', title: 'Playbook deleted', message: `${draft.name} and its runs are gone.` });
      void navigate('/playbooks');
    },
  });
  const errors = fieldErrorsOf(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <FieldErrorsContext.Provider value={errors}>
      <PlaybookFormDataContext.Provider value={formData}>
        <form onSubmit={submit} aria-label={existing ? `Edit ${initial.name}` : 'New playbook'}>
          <Stack gap="md" maw={1100}>
            <Section title="Playbook">
              <Group align="flex-start">
                <KeyField value={draft.key} onChange={(key) => update({ key })} disabled={existing} />
                <NameField value={draft.name} onChange={(name) => update({ name })} />
                <Switch
                  mt={28}
                  label="Enabled (off: the kill switch stops every run before its next step)"
                  checked={draft.enabled}
                  onChange={(e) => update({ enabled: e.currentTarget.checked })}
                />
              </Group>
            </Section>
            <Section title="Trigger and filter">
              <TriggerFields trigger={draft.trigger} onChange={(trigger) => update({ trigger })} />
              <RuleField
                path="filter"
                label="Filter: only people this rule holds for (optional)"
                value={draft.filter}
                onChange={(filter) => update({ filter })}
              />
            </Section>
            <Section title="Steps">
              {draft.experiment ? (
                <Text size="sm" c="gray.7">
                  With an experiment, each enrolment runs its arm&apos;s steps: edit them under Experiment.
                </Text>
              ) : (
                <StepList path="steps" name="Steps" steps={draft.steps} onChange={(steps) => update({ steps })} />
              )}
            </Section>
            <Section title="Guards">
              <GuardFields guards={draft} onChange={update} />
            </Section>
            <Section title="Experiment">
              <Checkbox
                label="Run this playbook as an experiment (arms and a holdout)"
                checked={draft.experiment !== undefined}
                onChange={(e) =>
                  // The steps move into arm a and back, so turning the experiment on and off loses nothing.
                  update(
                    e.currentTarget.checked
                      ? { experiment: newExperiment(draft.steps), steps: [] }
                      : { experiment: undefined, steps: draft.experiment?.arms[0]?.steps ?? [] },
                  )
                }
              />
              {draft.experiment && <ExperimentFields experiment={draft.experiment} onChange={(experiment) => update({ experiment })} />}
            </Section>
            {save.isError && (
              <Alert color="red" title="The playbook was not saved" role="alert">
                {errors.length > 0 ? (
                  <ul aria-label="Mistakes">
                    {errors.map((e, i) => (
                      <li key={i}>
                        <Text span size="sm" ff="monospace">
                          {e.field}
                        </Text>
                        <Text span size="sm">
                          : {e.message}
                        </Text>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Text size="sm">{save.error.message}</Text>
                )}
              </Alert>
            )}
            {save.isSuccess && generatedSecretsOf(save.data).length > 0 && (
              <Alert color="yellow" title="Webhook secrets made by this save, shown once: copy them to the receivers" role="status">
                <Stack gap={4}>
                  {generatedSecretsOf(save.data).map((line) => (
                    <Text key={line} size="sm" ff="monospace">
                      {line}
                    </Text>
                  ))}
                  <Button component={Link} to={`/playbooks/${save.data.key}`} variant="light" w="fit-content">
                    Go to the playbook
                  </Button>
                </Stack>
              </Alert>
            )}
            {remove.isError && (
              <Alert color="red" title="The playbook was not deleted" role="alert">
                {remove.error.message}
              </Alert>
            )}
            <Group>
              <Button type="submit" loading={save.isPending} disabled={draft.key === '' || draft.name.trim() === ''}>
                Save playbook
              </Button>
              {existing && (
                <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
                  Delete playbook
                </Button>
              )}
              <Button variant="subtle" onClick={() => void navigate(existing ? `/playbooks/${initial.key}` : '/playbooks')}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      </PlaybookFormDataContext.Provider>
    </FieldErrorsContext.Provider>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const id = `playbook-form-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      <Stack gap="sm">{children}</Stack>
    </Paper>
  );
}

function KeyField({ value, onChange, disabled }: { value: string; onChange: (v: string) => void; disabled: boolean }) {
  const error = useFieldError('key');
  return (
    <TextInput
      label="Key"
      description="lowercase letters, digits and -"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      disabled={disabled}
      required
      error={error}
      w={240}
    />
  );
}

function NameField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const error = useFieldError('name');
  return <TextInput label="Name" value={value} onChange={(e) => onChange(e.currentTarget.value)} required error={error} w={320} />;
}
