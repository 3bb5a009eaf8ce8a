import { Group, Select, Stack } from '@mantine/core';
import type { Trigger } from './playbook-draft';
import { useFieldError } from './field-errors';
import { SpecField } from './SpecField';
import { triggerKinds } from './trigger-kinds';

/** What enrolls a person: the trigger type, then that type's fields from the table of triggers. */
export function TriggerFields({ trigger, onChange }: { trigger: Trigger; onChange: (trigger: Trigger) => void }) {
  const error = useFieldError('trigger.on', 'trigger');
  const fields = triggerKinds[trigger.on]?.fields ?? [];
  return (
    <Stack gap="xs">
      <Group align="flex-start" gap="sm">
        <Select
          label="Trigger"
          data={Object.entries(triggerKinds).map(([value, kind]) => ({ value, label: kind.label }))}
          value={trigger.on}
          // Fields the new type shares (a segment) are kept; the others go.
          onChange={(on) => {
            if (!on) return;
            const kept = Object.fromEntries(
              triggerKinds[on]!.fields.filter((f) => trigger[f.name] !== undefined).map((f) => [f.name, trigger[f.name]]),
            );
            onChange({ on, ...kept });
          }}
          allowDeselect={false}
          error={error}
          w={320}
          data-field="trigger.on"
        />
        {fields
          .filter((f) => f.kind !== 'rule')
          .map((spec) => (
            <SpecField
              key={spec.name}
              spec={spec}
              owner="Trigger"
              path="trigger"
              object={trigger}
              onChange={(next) => onChange(next as Trigger)}
            />
          ))}
      </Group>
      {fields
        .filter((f) => f.kind === 'rule')
        .map((spec) => (
          <SpecField
            key={spec.name}
            spec={spec}
            owner="Trigger"
            path="trigger"
            object={trigger}
            onChange={(next) => onChange(next as Trigger)}
          />
        ))}
    </Stack>
  );
}
