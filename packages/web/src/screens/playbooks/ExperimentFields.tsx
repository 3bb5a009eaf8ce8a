import { ActionIcon, Button, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { Experiment, Goal } from './playbook-draft';
import { useFieldError } from './field-errors';
import { RuleField } from './RuleField';
import { StepList } from './StepList';

const metrics = ['csat', 'retention', 'tickets-per-account', 'conversion'];

/** The experiment: arms (each its own steps, weights summing to 100), the holdout, and the goal. */
export function ExperimentFields({ experiment, onChange }: { experiment: Experiment; onChange: (experiment: Experiment) => void }) {
  const errors = {
    arms: useFieldError('experiment.arms', 'experiment'),
    holdout: useFieldError('experiment.holdoutPercent'),
    goal: useFieldError('experiment.goal', 'experiment.goal.metric', 'experiment.goal.withinDays'),
  };
  const goal = experiment.goal;
  const setGoal = (next: Goal) => onChange({ ...experiment, goal: next });
  const weights = experiment.arms.reduce((sum, arm) => sum + arm.weight, 0);
  return (
    <Stack gap="sm">
      <NumberInput
        label="Holdout (% of people who get no steps, measured the same way)"
        min={0}
        max={100}
        w={360}
        value={experiment.holdoutPercent}
        onChange={(v) => onChange({ ...experiment, holdoutPercent: typeof v === 'number' ? v : Number(v) || 0 })}
        error={errors.holdout}
      />
      <Text size="sm" c="gray.7">
        Arms by weight (they sum to {weights}; the server wants 100). A person&apos;s arm is decided once, at enrolment.
      </Text>
      {errors.arms && (
        <Text size="sm" c="red.9" role="alert">
          {errors.arms}
        </Text>
      )}
      {experiment.arms.map((arm, i) => (
        <Paper key={i} withBorder p="sm" role="group" aria-label={`Arm ${i + 1}`}>
          <Stack gap="xs">
            <Group align="flex-end">
              <ArmField
                i={i}
                name="key"
                label={`Arm ${i + 1}: Key`}
                value={arm.key}
                onChange={(key) => onChange({ ...experiment, arms: experiment.arms.map((a, j) => (j === i ? { ...a, key } : a)) })}
              />
              <ArmWeight
                i={i}
                value={arm.weight}
                onChange={(weight) => onChange({ ...experiment, arms: experiment.arms.map((a, j) => (j === i ? { ...a, weight } : a)) })}
              />
              <ActionIcon
                variant="subtle"
                color="red.9"
                aria-label={`Remove arm ${i + 1}`}
                onClick={() => onChange({ ...experiment, arms: experiment.arms.filter((_, j) => j !== i) })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <StepList
              path={`experiment.arms[${i}].steps`}
              name={`Arm ${i + 1}`}
              steps={arm.steps}
              onChange={(steps) => onChange({ ...experiment, arms: experiment.arms.map((a, j) => (j === i ? { ...a, steps } : a)) })}
            />
          </Stack>
        </Paper>
      ))}
      <Button
        variant="light"
        w="fit-content"
        onClick={() =>
          onChange({ ...experiment, arms: [...experiment.arms, { key: `arm-${experiment.arms.length + 1}`, weight: 0, steps: [] }] })
        }
      >
        Add arm
      </Button>
      <SegmentedControl
        aria-label="Goal"
        w={320}
        value={'metric' in goal ? 'metric' : 'rule'}
        onChange={(v) => setGoal(v === 'metric' ? { metric: 'conversion' } : { rule: '', withinDays: 14 })}
        data={[
          { value: 'rule', label: 'Goal: a rule' },
          { value: 'metric', label: 'Goal: a metric' },
        ]}
      />
      {'metric' in goal ? (
        <Select
          label="Goal metric"
          data={metrics}
          value={goal.metric}
          onChange={(metric) => metric && setGoal({ metric })}
          w={240}
          error={errors.goal}
          allowDeselect={false}
        />
      ) : (
        <>
          <RuleField
            path="experiment.goal.rule"
            label="Goal reached when (a rule about the person)"
            value={goal.rule}
            onChange={(rule) => setGoal({ ...goal, rule })}
          />
          <NumberInput
            label="Within (days of enrolment)"
            min={1}
            w={240}
            value={goal.withinDays}
            onChange={(v) => setGoal({ ...goal, withinDays: typeof v === 'number' ? v : Number(v) || 1 })}
            error={errors.goal}
          />
        </>
      )}
    </Stack>
  );
}

function ArmField({
  i,
  name,
  label,
  value,
  onChange,
}: {
  i: number;
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const error = useFieldError(`experiment.arms[${i}].${name}`);
  return <TextInput label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)} error={error} w={200} required />;
}

function ArmWeight({ i, value, onChange }: { i: number; value: number; onChange: (v: number) => void }) {
  const error = useFieldError(`experiment.arms[${i}].weight`);
  return (
    <NumberInput
      label={`Arm ${i + 1}: Weight`}
      min={0}
      max={100}
      value={value}
      onChange={(v) => onChange(typeof v === 'number' ? v : Number(v) || 0)}
      error={error}
      w={160}
    />
  );
}
