import { expect, it } from 'vitest';
import { jsonPathPattern, readPath } from './json-path.js';

it('reads fields and array elements, telling a null value from a missing one', () => {
  const body = { ticket: { id: 7, requester: { email: null } }, items: [{ id: 'a' }] };
  expect(readPath(body, 'ticket.id')).toEqual({ found: true, value: 7 });
  expect(readPath(body, '$.items.0.id')).toEqual({ found: true, value: 'a' });
  expect(readPath(body, 'ticket.requester.email')).toEqual({ found: true, value: null });
  expect(readPath(body, 'ticket.requester.name')).toEqual({ found: false });
  expect(readPath(body, 'items.1.id')).toEqual({ found: false });
  expect(readPath(body, 'ticket.toString')).toEqual({ found: false });
  expect(readPath([1], '$')).toEqual({ found: true, value: [1] });
});

it('accepts dotted paths only', () => {
  expect(['$', 'a', '$.a.0.b', 'payload.contact.email'].every((p) => jsonPathPattern.test(p))).toBe(true);
  expect(['', 'a..b', 'a[0]', '$.', 'a b'].some((p) => jsonPathPattern.test(p))).toBe(false);
});
