import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { PlainObject } from './form-fields';
import { useFieldError } from './field-errors';
import { StepCard } from './StepCard';
import { newStep, stepKinds } from './step-kinds';

/**
 * An ordered list of steps (the playbook's, a branch's then or else, an arm's) with add, remove
 * and move. `path` is how the server names the list (`steps`, `steps[1].then`), `name` how people do.
 */
export function StepList({
  path,
  name,
  steps,
  onChange,
}: {
  path: string;
  name: string;
  steps: PlainObject[];
  onChange: (steps: PlainObject[]) => void;
}) {
  const [adding, setAdding] = useState<string | null>('wait');
  const error = useFieldError(path);
  const move = (from: number, to: number) => {
    const next = [...steps];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    onChange(next);
  };
  return (
    <Stack gap="xs" component="section" aria-label={name}>
      {steps.length === 0 && (
        <Text size="sm" c="gray.7">
          No steps in {name.toLowerCase()} yet.
        </Text>
      )}
      <ol className="playbook-steps">
        {steps.map((step, i) => (
          <li key={i}>
            <StepCard
              step={step}
              path={`${path}[${i}]`}
              owner={name === 'Steps' ? `Step ${i + 1}` : `${name} step ${i + 1}`}
              first={i === 0}
              last={i === steps.length - 1}
              onChange={(next) => onChange(steps.map((s, j) => (j === i ? next : s)))}
              onRemove={() => onChange(steps.filter((_, j) => j !== i))}
              onMove={(by) => move(i, i + by)}
            />
          </li>
        ))}
      </ol>
      {error && (
        <Text size="sm" c="red.9" role="alert" data-field={path}>
          {error}
        </Text>
      )}
      <Group gap="xs" align="flex-end">
        <Select
          label={`Add to ${name.toLowerCase()}`}
          data={Object.entries(stepKinds).map(([value, kind]) => ({ value, label: kind.label }))}
          value={adding}
          onChange={setAdding}
          w={220}
          allowDeselect={false}
        />
        <Button
          variant="light"
          onClick={() => adding && onChange([...steps, newStep(adding)])}
          aria-label={`Add step to ${name.toLowerCase()}`}
        >
          Add step
        </Button>
      </Group>
    </Stack>
  );
}
