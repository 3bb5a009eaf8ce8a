import { Checkbox, NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import type { FieldSpec, PlainObject } from './form-fields';
import { valueAt, withValueAt } from './form-fields';
import { usePlaybookFormData } from './form-context';
import { useFieldError } from './field-errors';
import { PropertiesField } from './PropertiesField';
import { RuleField } from './RuleField';

/** `true`, `42`, `null` as JSON; anything else as the text typed. */
function traitValue(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? text : parsed;
  } catch {
    return text;
  }
}

/**
 * One field of a step or trigger, drawn from its spec, with the server's mistake at its path
 * (`steps[2].title`). Labels carry the owner's name (`Step 3: Task title`) so each is found by it.
 */
export function SpecField({
  spec,
  owner,
  path,
  object,
  onChange,
}: {
  spec: FieldSpec;
  owner: string;
  path: string;
  object: PlainObject;
  onChange: (next: PlainObject) => void;
}) {
  const { segments } = usePlaybookFormData();
  const fieldPath = `${path}.${spec.name}`;
  const error = useFieldError(fieldPath);
  const label = `${owner}: ${spec.label}`;
  const value = valueAt(object, spec.name);
  const set = (next: unknown) => onChange(withValueAt(object, spec.name, next));
  const setText = (text: string) => set(text === '' && !spec.required ? undefined : text);
  const common = { label, required: spec.required ?? false, error, description: spec.description, 'data-field': fieldPath };
  switch (spec.kind) {
    case 'rule':
      return <RuleField path={fieldPath} label={label} value={typeof value === 'string' ? value : ''} onChange={setText} />;
    case 'properties':
      return (
        <PropertiesField
          label={label}
          description={spec.description}
          fieldPath={fieldPath}
          serverError={error}
          value={value}
          onChange={set}
        />
      );
    case 'textarea':
      return (
        <Textarea
          {...common}
          autosize
          minRows={2}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          min={0}
          w={160}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => set(typeof v === 'number' ? v : v === '' ? undefined : Number(v))}
        />
      );
    case 'checkbox':
      return (
        <Checkbox label={label} checked={value === true} onChange={(e) => set(e.currentTarget.checked ? true : undefined)} error={error} />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={[...(spec.options ?? [])]}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => set(v ?? undefined)}
          w={200}
        />
      );
    case 'segment':
      return (
        <Select
          {...common}
          searchable
          w={320}
          data={segments.map((s) => ({ value: s.key, label: `${s.name} (${s.key}, ${s.target})` }))}
          value={typeof value === 'string' && value !== '' ? value : null}
          onChange={(v) => set(v ?? '')}
        />
      );
    case 'value':
      return (
        <TextInput
          {...common}
          value={value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)}
          onChange={(e) => set(traitValue(e.currentTarget.value))}
        />
      );
    case 'text':
      return (
        <TextInput
          {...common}
          placeholder={spec.placeholder}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      );
  }
}
