import { Checkbox, Group, NumberInput, Stack, TextInput } from '@mantine/core';
import type { PlaybookDraft } from './playbook-draft';
import { useFieldError } from './field-errors';

type Guards = Pick<PlaybookDraft, 'reenrollAfterDays' | 'frequencyCap' | 'quietHours'>;
const numberOr = (value: string | number, fallback: number) => (typeof value === 'number' ? value : Number(value) || fallback);

/** Re-enrolment, the frequency cap across playbooks and quiet hours in the customer's timezone; each off unless set. */
export function GuardFields({ guards, onChange }: { guards: Guards; onChange: (guards: Partial<Guards>) => void }) {
  const errors = {
    reenroll: useFieldError('reenrollAfterDays'),
    capMax: useFieldError('frequencyCap.max', 'frequencyCap'),
    capDays: useFieldError('frequencyCap.days'),
    quietStart: useFieldError('quietHours.start', 'quietHours'),
    quietEnd: useFieldError('quietHours.end'),
  };
  const { frequencyCap: cap, quietHours: quiet } = guards;
  return (
    <Stack gap="sm">
      <NumberInput
        label="Enroll again after (days)"
        description="empty: once per person"
        min={0}
        w={240}
        value={guards.reenrollAfterDays ?? ''}
        onChange={(v) => onChange({ reenrollAfterDays: v === '' ? undefined : numberOr(v, 0) })}
        error={errors.reenroll}
        data-field="reenrollAfterDays"
      />
      <Checkbox
        label="Frequency cap: at most a number of emails per person in a number of days, across playbooks"
        checked={cap !== undefined}
        onChange={(e) => onChange({ frequencyCap: e.currentTarget.checked ? { max: 2, days: 7 } : undefined })}
      />
      {cap && (
        <Group>
          <NumberInput
            label="At most (emails)"
            min={1}
            w={160}
            value={cap.max}
            onChange={(v) => onChange({ frequencyCap: { ...cap, max: numberOr(v, 1) } })}
            error={errors.capMax}
          />
          <NumberInput
            label="In (days)"
            min={1}
            w={160}
            value={cap.days}
            onChange={(v) => onChange({ frequencyCap: { ...cap, days: numberOr(v, 1) } })}
            error={errors.capDays}
          />
        </Group>
      )}
      <Checkbox
        label="Quiet hours in the customer's timezone (sends wait until they end)"
        checked={quiet !== undefined}
        onChange={(e) => onChange({ quietHours: e.currentTarget.checked ? { start: '21:00', end: '08:00' } : undefined })}
      />
      {quiet && (
        <Group>
          <TextInput
            label="Quiet from (HH:MM)"
            w={160}
            value={quiet.start}
            onChange={(e) => onChange({ quietHours: { ...quiet, start: e.currentTarget.value } })}
            error={errors.quietStart}
          />
          <TextInput
            label="Quiet until (HH:MM)"
            w={160}
            value={quiet.end}
            onChange={(e) => onChange({ quietHours: { ...quiet, end: e.currentTarget.value } })}
            error={errors.quietEnd}
          />
        </Group>
      )}
    </Stack>
  );
}
