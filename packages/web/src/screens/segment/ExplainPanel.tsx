import { Badge, Button, Card, Code, Group, List, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api, unwrap } from '../../api/client';
import type { components } from '../../api/openapi';
import { ErrorState } from '../../shell/PageState';
import { causeText } from './causes';

type Condition = components['schemas']['ExplainCondition'];

/** One condition of the rule: holds or not, the value read and what it needs; nested and/or below. */
function ConditionItem({ condition }: { condition: Condition }) {
  return (
    <List.Item>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Badge color={condition.holds ? 'green' : 'red'} variant="dot" miw={72} tt="none">
          {condition.holds ? 'holds' : 'fails'}
        </Badge>
        <Stack gap={2}>
          <Code>{condition.text}</Code>
          <Text size="sm">{condition.summary}</Text>
        </Stack>
      </Group>
      {condition.conditions && condition.conditions.length > 0 && (
        <List listStyleType="none" withPadding spacing="xs" mt="xs">
          {condition.conditions.map((c, i) => (
            <ConditionItem key={i} condition={c} />
          ))}
        </List>
      )}
    </List.Item>
  );
}

/** "Why is X in or out": the rule's verdict for one customer, each condition with its values, and their history here. */
export function ExplainPanel(props: { segmentKey: string; target: 'person' | 'account'; id: string; onClose: () => void }) {
  const { segmentKey, id } = props;
  const explain = useQuery({
    queryKey: ['segments', segmentKey, 'explain', id],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}/explain', { params: { path: { key: segmentKey }, query: { id } } })),
    enabled: id !== '',
  });
  const heading = (
    <Title order={2} size="h4">
      {id
        ? `Why is ${id} ${explain.data ? (explain.data.membership.member ? 'in' : 'out') : 'in or out'}?`
        : 'Why is a customer in or out?'}
    </Title>
  );
  if (!id)
    return (
      <Card withBorder>
        {heading}
        <Text size="sm" c="dimmed" mt="xs">
          Pick a member in the table, a customer in the live feed, or find one by id: each condition of the rule is shown with the value it
          read.
        </Text>
      </Card>
    );
  return (
    <Card withBorder aria-label={`Explanation for ${id}`} component="section">
      <Stack gap="sm">
        <Group justify="space-between">
          {heading}
          <Button variant="subtle" size="xs" onClick={props.onClose}>
            Close
          </Button>
        </Group>
        {explain.isPending ? (
          <Skeleton h={160} aria-label={`Loading why ${id} is in or out`} />
        ) : explain.error instanceof ApiError && explain.error.status === 404 ? (
          <Text size="sm">
            Strata knows no such customer: {explain.error.message}. Check the id (ids are case-sensitive), or search the header for an email
            or name.
          </Text>
        ) : explain.isError ? (
          <ErrorState title={`Could not explain ${id}`} error={explain.error} onRetry={() => void explain.refetch()} />
        ) : (
          <>
            <Text fw={600}>
              {explain.data.membership.member
                ? `${id} is in ${segmentKey}${explain.data.membership.since ? ` since ${new Date(explain.data.membership.since).toLocaleString('en')}` : ''}.`
                : `${id} is not in ${segmentKey}.`}
              {explain.data.member !== explain.data.membership.member &&
                ` The rule now says ${explain.data.member ? 'in' : 'out'}: the change is on its way.`}
            </Text>
            <List listStyleType="none" spacing="sm" aria-label="Conditions">
              {explain.data.conditions.map((c, i) => (
                <ConditionItem key={i} condition={c} />
              ))}
            </List>
            {explain.data.history.length > 0 && (
              <>
                <Title order={3} size="h5">
                  History in this segment
                </Title>
                <List size="sm" spacing={4}>
                  {explain.data.history.map((h, i) => (
                    <List.Item key={i}>
                      {h.change === 'enter' ? 'Entered' : 'Left'} {new Date(h.at).toLocaleString('en')} · {causeText(h.cause)} · version{' '}
                      {h.version}
                    </List.Item>
                  ))}
                </List>
              </>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
