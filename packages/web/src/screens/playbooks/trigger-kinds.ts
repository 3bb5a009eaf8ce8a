import type { FieldSpec } from './form-fields';

/** The triggers the form offers, each with its fields (docs/playbooks.md, "Triggers"). */
export const triggerKinds: Record<string, { label: string; fields: FieldSpec[] }> = {
  'segment-entered': {
    label: 'A person enters a segment',
    fields: [{ name: 'segment', label: 'Segment', kind: 'segment', required: true }],
  },
  'segment-exited': {
    label: 'A person leaves a segment',
    fields: [{ name: 'segment', label: 'Segment', kind: 'segment', required: true }],
  },
  event: {
    label: 'A person does an event',
    fields: [
      { name: 'event', label: 'Event name', kind: 'text', required: true, placeholder: 'Visited settings' },
      {
        name: 'where',
        label: 'Only where the event has',
        kind: 'properties',
        description: 'one property per line, path = value: path = "/settings/account"; every line must hold',
      },
    ],
  },
  schedule: {
    label: 'On a schedule, everyone in a segment',
    fields: [
      { name: 'cron', label: 'Cron', kind: 'text', required: true, placeholder: '0 9 * * 1', description: 'minute hour day month weekday' },
      { name: 'segment', label: 'Segment', kind: 'segment', required: true },
    ],
  },
  'health-band-changed': {
    label: 'A health band changes',
    fields: [{ name: 'to', label: 'To band (any when empty)', kind: 'text', placeholder: 'at-risk' }],
  },
  'ticket-solved': { label: 'A ticket is solved', fields: [] },
};

/** A trigger in words, for the list: "enters trial", "does Signed up". */
export function describeTrigger(trigger: { on: string } & Record<string, unknown>): string {
  const text = (name: string) => (typeof trigger[name] === 'string' ? trigger[name] : '?');
  switch (trigger.on) {
    case 'segment-entered':
      return `enters ${text('segment')}`;
    case 'segment-exited':
      return `leaves ${text('segment')}`;
    case 'event':
      return `does ${text('event')}${trigger.where ? ' (with a condition)' : ''}`;
    case 'schedule':
      return `in ${text('segment')} at ${text('cron')}`;
    case 'health-band-changed':
      return trigger.to ? `health band becomes ${text('to')}` : 'health band changes';
    case 'ticket-solved':
      return 'a ticket of theirs is solved';
    default:
      return trigger.on;
  }
}
