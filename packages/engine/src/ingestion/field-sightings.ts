import { inferFieldType, type SegmentMessage } from '@strata/core';
import type { FieldSighting } from '@strata/storage';

/** Collects top-level traits and properties with the type each is first seen with, once per field. */
export function createFieldSightings() {
  const sightings = new Map<string, FieldSighting>();
  return {
    see: (source: FieldSighting['source'], eventName: string, values: Record<string, unknown> | null | undefined): void => {
      if (!values) return;
      for (const [field, value] of Object.entries(values)) {
        const type = inferFieldType(value);
        const key = `${source}\u0000${eventName}\u0000${field}`;
        if (type && !sightings.has(key)) sightings.set(key, { source, eventName, field, type });
      }
    },
    list: (): FieldSighting[] => [...sightings.values()],
  };
}

/** The top-level traits and properties these messages carry, with their types, deduplicated. */
export function collectFieldSightings(messages: SegmentMessage[]): FieldSighting[] {
  const sightings = createFieldSightings();
  const see = sightings.see;
  for (const message of messages) {
    switch (message.type) {
      case 'identify':
        see('person', '', message.traits);
        see('person', '', message.traitsOnce);
        break;
      case 'group': {
        see('account', '', message.traits);
        const membership = message.context?.['membership'];
        if (membership && typeof membership === 'object' && !Array.isArray(membership))
          see('membership', '', membership as Record<string, unknown>);
        break;
      }
      case 'track':
        see('event', message.event, message.properties);
        break;
      case 'page':
      case 'screen':
        see('event', message.name ?? '', message.properties);
        break;
      case 'alias':
        break;
    }
  }
  return sightings.list();
}
