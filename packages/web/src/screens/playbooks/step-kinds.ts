import type { FieldSpec, PlainObject } from './form-fields';

/** The steps the form offers, each with its fields; `branch` also has its then and else lists. */
export const stepKinds: Record<string, { label: string; fields: FieldSpec[] }> = {
  wait: {
    label: 'Wait',
    fields: [
      { name: 'days', label: 'Days', kind: 'number' },
      { name: 'hours', label: 'Hours', kind: 'number' },
      { name: 'minutes', label: 'Minutes', kind: 'number' },
      { name: 'until', label: 'Then until (HH:MM, their timezone)', kind: 'text', placeholder: '09:00' },
    ],
  },
  branch: { label: 'Branch', fields: [{ name: 'if', label: 'If (a rule about the person)', kind: 'rule', required: true }] },
  'exit-when': { label: 'Exit when', fields: [{ name: 'if', label: 'Exit when (a rule about the person)', kind: 'rule', required: true }] },
  task: {
    label: 'CSM task',
    fields: [
      { name: 'title', label: 'Task title', kind: 'text', required: true },
      { name: 'assignee', label: 'Assignee', kind: 'text', placeholder: 'csm@example.com' },
      { name: 'dueInDays', label: 'Due in days', kind: 'number' },
      { name: 'reason', label: 'Reason', kind: 'textarea' },
    ],
  },
  'set-trait': {
    label: 'Set trait',
    fields: [
      { name: 'trait', label: 'Trait', kind: 'text', required: true },
      { name: 'value', label: 'Value', kind: 'value', description: 'true, false, null and numbers are stored as such; the rest as text' },
    ],
  },
  webhook: {
    label: 'Webhook',
    fields: [
      { name: 'url', label: 'URL', kind: 'text', required: true, placeholder: 'https://example.com/hooks/strata' },
      {
        name: 'secret',
        label: 'Secret (whsec_…)',
        kind: 'text',
        description: 'left empty: the saved step keeps its secret for the same URL; a new URL gets a new one, shown once',
      },
    ],
  },
  email: {
    label: 'Email',
    fields: [
      { name: 'subject', label: 'Subject', kind: 'text', required: true, placeholder: 'Welcome, {{ person.name }}' },
      { name: 'text', label: 'Text', kind: 'textarea', required: true },
      { name: 'html', label: 'HTML (optional)', kind: 'textarea' },
      { name: 'transactional', label: 'Transactional (sent to unsubscribed people too)', kind: 'checkbox' },
    ],
  },
  survey: {
    label: 'Survey',
    fields: [
      { name: 'kind', label: 'Survey kind', kind: 'select', options: ['nps', 'csat'], required: true },
      { name: 'subject', label: 'Subject', kind: 'text', required: true },
      { name: 'text', label: 'Text', kind: 'textarea' },
    ],
  },
  'in-app': {
    label: 'In-app message',
    fields: [
      { name: 'title', label: 'Title', kind: 'text', required: true },
      { name: 'body', label: 'Body', kind: 'textarea', required: true },
      { name: 'cta.label', label: 'Call to action label', kind: 'text' },
      { name: 'cta.url', label: 'Call to action URL', kind: 'text' },
      { name: 'expiresInDays', label: 'Expires in days (30 when empty)', kind: 'number' },
    ],
  },
  'add-to-segment': { label: 'Add to segment', fields: [{ name: 'segment', label: 'Manual segment', kind: 'segment', required: true }] },
  'remove-from-segment': {
    label: 'Remove from segment',
    fields: [{ name: 'segment', label: 'Manual segment', kind: 'segment', required: true }],
  },
};

/** A new step of a type, with what it cannot do without. */
export function newStep(type: string): PlainObject {
  switch (type) {
    case 'wait':
      return { type, days: 1 };
    case 'branch':
      return { type, if: '', then: [], else: [] };
    case 'survey':
      return { type, kind: 'nps', subject: '' };
    default:
      return { type };
  }
}

/** A step in a few words, for the runs' step lists and the card titles. */
export function stepLabel(type: string): string {
  return stepKinds[type]?.label ?? type;
}
