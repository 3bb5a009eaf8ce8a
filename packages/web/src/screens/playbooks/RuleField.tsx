import { Text } from '@mantine/core';
import { useMemo } from 'react';
import { RuleEditor } from '../segment-editor/RuleEditor';
import { RuleProblems } from '../segment-editor/RuleProblems';
import { lintRule } from '../segment-editor/rule-language';
import { usePlaybookFormData } from './form-context';
import { useFieldError } from './field-errors';

/** A rule about the person in the segment editor's CodeMirror, checked as typed, with the server's word on it underneath. */
export function RuleField({
  path,
  label,
  value,
  onChange,
}: {
  path: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
}) {
  const { fields, schema } = usePlaybookFormData();
  const problems = useMemo(() => (schema && value.trim() ? lintRule(value, 'person', schema) : []), [value, schema]);
  const error = useFieldError(path);
  const id = `rule-${path.replace(/[^a-z0-9]+/gi, '-')}`;
  return (
    <div>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <RuleEditor value={value} onChange={onChange} target="person" fields={fields} schema={schema} segmentKey={undefined} label={label} />
      <RuleProblems id={`${id}-problems`} text={value} problems={problems} checking={!schema} onFix={onChange} />
      {error && (
        <Text size="sm" c="red.9" role="alert" data-field={path}>
          {error}
        </Text>
      )}
    </div>
  );
}
