import { createHash } from 'node:crypto';
import { ticketPriorities, ticketStatuses, type TicketChannel, type TicketPriority, type TicketStatus } from '@strata/core';
import type { TicketWrite } from '../../support/index.js';
import type { HelpDeskWebhookConfig, MappedField } from './helpdesk-config.js';
import { readPath } from './json-path.js';

/** One ticket's state as a delivery describes it. */
export interface MappedTicket {
  externalId: string;
  eventId: string;
  requester: NonNullable<TicketWrite['requester']>;
  subject?: string | undefined;
  description?: string | undefined;
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  channel?: TicketChannel | undefined;
  tags?: string[] | undefined;
  createdAt?: Date | undefined;
  updatedAt?: Date | undefined;
}

export type MappingResult = { ok: true; tickets: MappedTicket[] } | { ok: false; field: string; message: string };

class MappingError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A scalar as text; null and empty text are "no value". Objects are a mapping mistake. */
function text(field: MappedField, value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MappingError(`fields.${field}`, 'the path finds an object or array, not a value');
}

/** ISO text, or epoch milliseconds or seconds as a number or digits (Zoho Desk sends milliseconds as text). */
function time(field: MappedField, value: unknown): Date | undefined {
  const raw = text(field, value);
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? (raw.length > 11 ? Number(raw) : Number(raw) * 1000) : Date.parse(raw);
  if (Number.isNaN(ms)) throw new MappingError(`fields.${field}`, `"${raw.slice(0, 40)}" is not a time`);
  return new Date(ms);
}

function mapped<T extends string>(
  field: MappedField,
  raw: string | undefined,
  map: Record<string, T>,
  native: readonly T[],
  mapName: string,
): T | undefined {
  if (raw === undefined) return undefined;
  const key = raw.trim().toLowerCase();
  const value = map[key] ?? native.find((n) => n === key);
  if (value === undefined)
    throw new MappingError(
      `fields.${field}`,
      `"${raw.slice(0, 40)}" is not a Strata ${field} (${native.join(', ')}): add it to ${mapName}`,
    );
  return value;
}

function tags(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map((t) => text('tags', t)).filter((t): t is string => t !== undefined);
  const raw = text('tags', value);
  return raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function mapItem(config: HelpDeskWebhookConfig, key: string, item: unknown, fallbackEventId: string): MappedTicket {
  const at = (field: MappedField): unknown => {
    const path = config.fields[field];
    if (path === undefined) return undefined;
    const found = readPath(item, path);
    if (!found.found) throw new MappingError(`fields.${field}`, `the path "${path}" is not in the body`);
    return found.value;
  };
  const externalId = text('externalId', at('externalId'));
  if (externalId === undefined) throw new MappingError('fields.externalId', `the path "${config.fields.externalId}" finds no ticket id`);
  const requesterId = text('requesterId', at('requesterId'));
  const requester: MappedTicket['requester'] = {
    userId: text('requesterUserId', at('requesterUserId')) ?? null,
    anonymousId: requesterId === undefined ? null : `${key}:${requesterId}`,
    email: text('requesterEmail', at('requesterEmail')) ?? null,
    name: text('requesterName', at('requesterName')) ?? null,
    groupId: text('groupId', at('groupId')) ?? null,
  };
  if (!requester.userId && !requester.anonymousId && !requester.email)
    throw new MappingError('fields.requesterEmail', 'the delivery names no requester (email, id or userId)');
  const channelRaw = text('channel', at('channel'));
  return {
    externalId,
    eventId: text('eventId', at('eventId')) ?? fallbackEventId,
    requester,
    subject: text('subject', at('subject')),
    description: text('text', at('text')),
    status: mapped('status', text('status', at('status')), config.statusMap, ticketStatuses, 'statusMap'),
    priority: mapped('priority', text('priority', at('priority')), config.priorityMap, ticketPriorities, 'priorityMap'),
    // An unknown channel is left unset rather than refused: it changes no rule's meaning.
    channel: channelRaw === undefined ? undefined : config.channelMap[channelRaw.trim().toLowerCase()],
    tags: tags(at('tags')),
    createdAt: time('createdAt', at('createdAt')),
    updatedAt: time('updatedAt', at('updatedAt')),
  };
}

/**
 * The tickets a delivery describes, by the workspace's mapping; the first mistake named by its
 * field otherwise (every item is mapped before any is stored, so a bad one stores nothing). Without
 * an event id path, a delivery is known by the hash of its item, so a redelivery changes nothing.
 */
export function mapDelivery(config: HelpDeskWebhookConfig, key: string, body: unknown): MappingResult {
  try {
    let items: unknown[] = [body];
    if (config.items !== null) {
      const found = readPath(body, config.items);
      if (!found.found || !Array.isArray(found.value))
        throw new MappingError('items', `the path "${config.items}" does not find an array of events`);
      items = found.value;
    }
    if (items.length === 0) throw new MappingError('items', 'the delivery carries no events');
    const tickets = items.map((item) => mapItem(config, key, item, createHash('sha256').update(JSON.stringify(item)).digest('hex')));
    return { ok: true, tickets };
  } catch (error) {
    if (error instanceof MappingError) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
