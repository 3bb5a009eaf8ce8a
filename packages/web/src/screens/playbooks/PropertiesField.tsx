import { Textarea } from '@mantine/core';
import { useState } from 'react';

type Properties = Record<string, string | number | boolean | null>;

/** `path = value` lines to the equality map an event trigger's `where` is; values as JSON where they parse. */
export function parseProperties(text: string): Properties | string {
  const properties: Properties = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) return `line ${i + 1}: write one property per line, as path = value (such as plan.name = "pro")`;
    const raw = line.slice(at + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A bare word is text: path = /settings.
    }
    if (typeof value === 'object' && value !== null) return `line ${i + 1}: a value is text, a number, true, false or null`;
    properties[line.slice(0, at).trim()] = value as Properties[string];
  }
  return properties;
}

const showProperties = (value: unknown) =>
  value && typeof value === 'object'
    ? Object.entries(value as Properties)
        .map(([path, v]) => `${path} = ${JSON.stringify(v)}`)
        .join('\n')
    : '';

/**
 * An event trigger's `where`: the properties the event must have, one `path = value` per line.
 * The text is kept as typed; the trigger gets the map whenever the text reads as one.
 */
export function PropertiesField({
  label,
  description,
  fieldPath,
  serverError,
  value,
  onChange,
}: {
  label: string;
  description?: string | undefined;
  fieldPath: string;
  serverError: string | undefined;
  value: unknown;
  onChange: (next: Properties | undefined) => void;
}) {
  const [text, setText] = useState(() => showProperties(value));
  const parsed = parseProperties(text);
  return (
    <Textarea
      label={label}
      description={description}
      data-field={fieldPath}
      autosize
      minRows={2}
      placeholder={'path = "/settings/account"'}
      value={text}
      error={typeof parsed === 'string' ? parsed : serverError}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        const properties = parseProperties(next);
        if (typeof properties !== 'string') onChange(Object.keys(properties).length > 0 ? properties : undefined);
      }}
    />
  );
}
