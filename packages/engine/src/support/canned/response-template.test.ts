import { describe, expect, it } from 'vitest';
import { checkResponseTemplate, renderResponseTemplate, TemplateRenderError } from './response-template.js';

describe('canned response templates', () => {
  const data = { person: { name: 'Ada <Lovelace>', tags: ['vip'] }, account: { plan: 'pro' } };

  it('renders values, leaves missing ones empty, and escapes only when asked', async () => {
    const body = 'Hi {{ person.name }} ({{ account.plan }}){{ person.missing }}{{ nobody.at.all }}';
    expect(await renderResponseTemplate(body, data, { html: false })).toBe('Hi Ada <Lovelace> (pro)');
    expect(await renderResponseTemplate(body, data, { html: true })).toBe('Hi Ada &lt;Lovelace&gt; (pro)');
    // The template's own markup is the author's, never escaped.
    expect(await renderResponseTemplate('<p>{{ person.name }}</p>', data, { html: true })).toBe('<p>Ada &lt;Lovelace&gt;</p>');
  });

  it('reads no prototype and no file', async () => {
    expect(
      await renderResponseTemplate('{{ person.constructor }}{{ person.__proto__ }}{{ person.tags.constructor }}', data, { html: false }),
    ).toBe('');
    for (const tag of ['{% include "/etc/passwd" %}', '{% render "x" %}', '{% layout "x" %}'])
      expect(checkResponseTemplate(tag)?.message).toMatch(/is not available: a canned response cannot read other files/);
  });

  it('reports where a template does not parse', () => {
    expect(checkResponseTemplate('Hi\n  {{ person.name')).toEqual({ message: 'output "{{ person.name" not closed', line: 2, column: 3 });
    expect(checkResponseTemplate('{{ person.name | no_such_filter }}')).toMatchObject({
      message: 'undefined filter: no_such_filter',
      line: 1,
    });
    expect(checkResponseTemplate('Hi {{ person.name }}')).toBeUndefined();
  });

  it('stops a template that loops past its limits', async () => {
    const runaway = '{% for i in (1..100000000) %}{{ i }}{% endfor %}';
    expect(checkResponseTemplate(runaway)).toBeUndefined();
    await expect(renderResponseTemplate(runaway, data, { html: false })).rejects.toBeInstanceOf(TemplateRenderError);
  });
});
