import { ActionIcon, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import type { PlainObject } from './form-fields';
import { useFieldError } from './field-errors';
import { EmailPreview } from './EmailPreview';
import { SpecField } from './SpecField';
import { StepList } from './StepList';
import { stepKinds, stepLabel } from './step-kinds';

/** One step: its fields by type, a branch's two lists, an email's preview, and the buttons to move or remove it. */
export function StepCard({
  step,
  path,
  owner,
  first,
  last,
  onChange,
  onRemove,
  onMove,
}: {
  step: PlainObject;
  path: string;
  owner: string;
  first: boolean;
  last: boolean;
  onChange: (step: PlainObject) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
}) {
  const type = typeof step.type === 'string' ? step.type : '?';
  const error = useFieldError(path);
  const list = (name: 'then' | 'else') => (Array.isArray(step[name]) ? (step[name] as PlainObject[]) : []);
  return (
    <Paper withBorder p="sm" mb="xs" role="group" aria-label={`${owner}: ${stepLabel(type)}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600} size="sm">
              {owner}
            </Text>
            <Badge variant="outline" color="dark">
              {stepLabel(type)}
            </Badge>
          </Group>
          <Group gap={2}>
            <ActionIcon variant="subtle" aria-label={`Move ${owner} up`} disabled={first} onClick={() => onMove(-1)}>
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" aria-label={`Move ${owner} down`} disabled={last} onClick={() => onMove(1)}>
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red.9" aria-label={`Remove ${owner}`} onClick={onRemove}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Group>
        {error && (
          <Text size="sm" c="red.9" role="alert" data-field={path}>
            {error}
          </Text>
        )}
        <Group align="flex-start" gap="sm" wrap="wrap">
          {(stepKinds[type]?.fields ?? [])
            .filter((spec) => spec.kind !== 'rule' && spec.kind !== 'textarea')
            .map((spec) => (
              <SpecField key={spec.name} spec={spec} owner={owner} path={path} object={step} onChange={onChange} />
            ))}
        </Group>
        {(stepKinds[type]?.fields ?? [])
          .filter((spec) => spec.kind === 'rule' || spec.kind === 'textarea')
          .map((spec) => (
            <SpecField key={spec.name} spec={spec} owner={owner} path={path} object={step} onChange={onChange} />
          ))}
        {type === 'branch' && (
          <Stack gap="xs" pl="md" className="playbook-branch">
            <StepList path={`${path}.then`} name={`${owner} then`} steps={list('then')} onChange={(then) => onChange({ ...step, then })} />
            <StepList
              path={`${path}.else`}
              name={`${owner} else`}
              steps={list('else')}
              onChange={(steps) => onChange({ ...step, else: steps })}
            />
          </Stack>
        )}
        {type === 'email' && <EmailPreview step={step} path={path} owner={owner} />}
      </Stack>
    </Paper>
  );
}
