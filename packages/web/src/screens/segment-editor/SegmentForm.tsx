import { Alert, Button, Group, Paper, Progress, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Target } from '@strata/core';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/openapi';
import { notify } from '../../shell/notify';
import { DryRunReview, type DryRun } from './DryRunReview';
import { PreviewPanel } from './PreviewPanel';
import { RuleEditor } from './RuleEditor';
import { RuleProblems } from './RuleProblems';
import { fieldSchemaOf, lintRule, type Fields } from './rule-language';
import { BackfillProgress } from './VersionHistory';

type Segment = paths['/api/v1/segments/{key}']['get']['responses'][200]['content']['application/json'];

type Props =
  { mode: 'new'; fields: Fields | undefined; segment?: undefined } | { mode: 'edit'; fields: Fields | undefined; segment: Segment };

/** The editor's form: new segments are created at once; an edited rule is reviewed (dry run) first. */
export function SegmentForm({ mode, fields, segment }: Props) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(segment?.name ?? '');
  const [key, setKey] = useState(segment?.key ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [target, setTarget] = useState<Target>(segment?.target ?? 'person');
  const [rule, setRule] = useState(segment?.rule ?? '');
  const [review, setReview] = useState<DryRun | null>(null);

  const schema = useMemo(() => (fields ? fieldSchemaOf(fields) : undefined), [fields]);
  const problems = useMemo(() => (schema ? lintRule(rule, target, schema, segment?.key) : []), [rule, target, schema, segment?.key]);
  const valid = schema !== undefined && rule.trim() !== '' && problems.length === 0;
  const ruleChanged = mode === 'new' || rule.trim() !== segment.rule.trim();
  const detailsChanged = mode === 'edit' && (name !== segment.name || description !== segment.description);

  // A review answers for the rule it was asked about; another rule needs another one.
  useEffect(() => setReview(null), [rule]);

  const afterSave = async () => {
    await queryClient.invalidateQueries({ queryKey: ['segments'] });
    await queryClient.invalidateQueries({ queryKey: ['fields'] });
  };
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/segments', { body: { key, name, target, rule, ...(description ? { description } : {}) } })),
    onSuccess: async (created) => {
      await afterSave();
      notify({ title: `Created ${created.key}`, message: `${created.members.toLocaleString('en')} members now.`, color: 'green' });
      await navigate(`/segments/${encodeURIComponent(created.key)}`);
    },
  });
  const dryRun = useMutation({
    mutationFn: async () => {
      const answer = await unwrap(
        api.PUT('/api/v1/segments/{key}', { params: { path: { key: segment!.key } }, body: { rule, dryRun: true } }),
      );
      if (!('dryRun' in answer)) throw new Error('Strata saved instead of answering a dry run');
      return answer;
    },
    onSuccess: (answer) => setReview(answer),
  });
  const update = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/segments/{key}', {
          params: { path: { key: segment!.key } },
          body: { name, description, ...(ruleChanged ? { rule } : {}) },
        }),
      ),
    onSuccess: async (saved) => {
      setReview(null);
      await afterSave();
      const version = 'version' in saved ? saved.version : undefined;
      notify({
        title: `Saved ${segment!.key}`,
        message: ruleChanged ? `Version ${version} serves now.` : 'Name and description saved.',
        color: 'green',
      });
    },
  });
  // While a save builds a version, its backfill progress is polled from the segment.
  const progress = useQuery({
    queryKey: ['segments', segment?.key ?? key],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}', { params: { path: { key: segment?.key ?? key } } })),
    enabled: update.isPending || create.isPending,
    refetchInterval: update.isPending || create.isPending ? 500 : false,
    retry: false,
  });
  const building = (update.isPending || create.isPending) && progress.data?.building ? progress.data.building : null;
  const failure = create.error ?? dryRun.error ?? update.error;
  const saving = create.isPending || update.isPending;

  return (
    <div className="segment-editor-layout">
      <div>
        <Paper withBorder p="md" component="form" aria-label="Segment" onSubmit={(e) => e.preventDefault()}>
          <Stack gap="sm">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
            {mode === 'new' && (
              <>
                <TextInput
                  label="Key"
                  required
                  description="Lowercase letters, digits, - and _; used in URLs, the API and in segment references. It cannot change later."
                  value={key}
                  onChange={(e) => setKey(e.currentTarget.value)}
                  maxLength={63}
                />
                <div>
                  <Text size="sm" fw={500} id="target-label">
                    Target
                  </Text>
                  <SegmentedControl
                    aria-labelledby="target-label"
                    value={target}
                    onChange={(v) => setTarget(v as Target)}
                    data={[
                      { value: 'person', label: 'People' },
                      { value: 'account', label: 'Accounts' },
                    ]}
                  />
                </div>
              </>
            )}
            <Textarea
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              autosize
              minRows={1}
              maxLength={2000}
            />
            <div>
              <Text size="sm" fw={500} id="rule-label">
                Rule
              </Text>
              <Text size="xs" c="dimmed" id="rule-help" mb={4}>
                Checked as you type; Ctrl+Space completes fields, events, segments and operators. See docs/rule-language.md.
              </Text>
              <RuleEditor
                value={rule}
                onChange={setRule}
                target={target}
                fields={fields}
                schema={schema}
                segmentKey={segment?.key}
                label="Rule"
              />
              <RuleProblems id="rule-problems" text={rule} problems={problems} checking={!schema} onFix={setRule} />
            </div>
            {failure && (
              <Alert color="red" title="Not saved" role="alert">
                {failure.message}
              </Alert>
            )}
            {saving && (
              <div data-testid="saving">
                {building ? (
                  <BackfillProgress version={building.version} done={building.backfill.done} total={building.backfill.total} />
                ) : (
                  <Stack gap={4}>
                    <Text size="sm">Saving and filling the members…</Text>
                    <Progress value={100} animated aria-label="Saving and filling the members" />
                  </Stack>
                )}
              </div>
            )}
            {review && mode === 'edit' ? (
              <DryRunReview
                diff={review}
                nextVersion={(segment.building?.version ?? segment.version ?? 0) + 1}
                saving={update.isPending}
                onConfirm={() => update.mutate()}
                onCancel={() => setReview(null)}
              />
            ) : (
              <Group>
                {mode === 'new' ? (
                  <Button
                    onClick={() => create.mutate()}
                    loading={create.isPending}
                    disabled={!valid || name.trim() === '' || key.trim() === ''}
                  >
                    Create segment
                  </Button>
                ) : ruleChanged ? (
                  <Button onClick={() => dryRun.mutate()} loading={dryRun.isPending} disabled={!valid || name.trim() === ''}>
                    Review changes
                  </Button>
                ) : (
                  <Button onClick={() => update.mutate()} loading={update.isPending} disabled={!detailsChanged || name.trim() === ''}>
                    Save
                  </Button>
                )}
                {!valid && rule.trim() !== '' && schema && (
                  <Text size="sm" c="dimmed">
                    Fix the rule to save.
                  </Text>
                )}
              </Group>
            )}
          </Stack>
        </Paper>
      </div>
      <PreviewPanel rule={rule} target={target} valid={valid} />
    </div>
  );
}
