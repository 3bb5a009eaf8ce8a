import type { MessageIssue } from '@strata/core';

/** Segment-shaped messages made from PostHog events, each with the index of the event it came from. */
export interface TranslatedEvents {
  messages: Array<Record<string, unknown>>;
  /** For each message, the index of its PostHog event in the request, so issues name that event. */
  sources: number[];
  issues: MessageIssue[];
}

type Props = Record<string, unknown>;

const isObject = (value: unknown): value is Props => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string | number => (typeof value === 'string' && value !== '') || typeof value === 'number';

/** Properties PostHog clients send that are about the page, browser and campaign: they become the message's `context`. */
const campaignKeys: Record<string, string> = {
  utm_source: 'source',
  utm_medium: 'medium',
  utm_campaign: 'name',
  utm_term: 'term',
  utm_content: 'content',
};

/**
 * PostHog events as the Segment messages Strata already ingests:
 * `$identify` and `$set` become identify (`$set` the traits, `$set_once` traits only where absent),
 * `$anon_distinct_id` and `$create_alias` an alias, `$groupidentify` a group, `$pageview` a page,
 * `$screen` a screen, anything else a track. `$groups` puts the event in its account's context.
 * `distinct_id` is a userId, or an anonymousId while `$is_identified` is false (posthog-js before
 * identify); `$device_id` is the anonymousId of an identified browser.
 */
export function translatePostHogEvents(events: readonly unknown[]): TranslatedEvents {
  const out: TranslatedEvents = { messages: [], sources: [], issues: [] };
  events.forEach((raw, index) => {
    const problem = (field: string, code: MessageIssue['code'], message: string) => out.issues.push({ index, field, code, message });
    if (!isObject(raw)) return problem('', 'invalid-type', 'each event must be a JSON object');
    const properties = raw['properties'] ?? {};
    if (!isObject(properties)) return problem('properties', 'invalid-type', 'properties must be a JSON object');
    const event = raw['event'];
    if (typeof event !== 'string' || event === '') return problem('event', 'missing-field', 'event is required: the name of the event');
    const distinctId = raw['distinct_id'] ?? properties['distinct_id'] ?? raw['$distinct_id'];
    if (!isId(distinctId)) return problem('distinct_id', 'missing-field', 'distinct_id is required, in the event or its properties');
    const uuid = typeof raw['uuid'] === 'string' && raw['uuid'] !== '' ? raw['uuid'] : undefined;
    const common = {
      ...(raw['timestamp'] !== undefined ? { timestamp: raw['timestamp'] } : {}),
      context: contextOf(properties),
    };
    const emit = (message: Record<string, unknown>, suffix = '') => {
      out.messages.push({ ...message, ...common, ...(uuid ? { messageId: `${uuid}${suffix}` } : {}) });
      out.sources.push(index);
    };
    const anonymous = properties['$is_identified'] === false;
    const deviceId = properties['$device_id'];
    const who = anonymous
      ? { anonymousId: distinctId }
      : { userId: distinctId, ...(isId(deviceId) && deviceId !== distinctId ? { anonymousId: deviceId } : {}) };
    const set = raw['$set'] ?? properties['$set'];
    const setOnce = raw['$set_once'] ?? properties['$set_once'];

    if (event === '$groupidentify') {
      const groupKey = properties['$group_key'];
      if (!isId(groupKey)) return problem('properties.$group_key', 'missing-field', '$groupidentify needs properties.$group_key');
      // posthog-node names no person when none is given: `$company_acme` is the group itself.
      const groupOnly = typeof distinctId === 'string' && distinctId === `$${String(properties['$group_type'])}_${String(groupKey)}`;
      emit({ type: 'group', groupId: groupKey, traits: properties['$group_set'] ?? {}, ...(groupOnly ? {} : who) });
      return;
    }
    if (event === '$create_alias') {
      const alias = properties['alias'];
      if (!isId(alias)) return problem('properties.alias', 'missing-field', '$create_alias needs properties.alias, the other id');
      emit({ type: 'alias', previousId: alias, userId: distinctId });
      return;
    }
    const anonDistinctId = properties['$anon_distinct_id'];
    if (isId(anonDistinctId) && anonDistinctId !== distinctId && !anonymous)
      emit({ type: 'alias', previousId: anonDistinctId, userId: distinctId }, ':alias');
    if (event === '$identify' || event === '$set' || set !== undefined || setOnce !== undefined)
      emit(
        { type: 'identify', ...who, traits: set ?? {}, ...(setOnce !== undefined ? { traitsOnce: setOnce } : {}) },
        event === '$identify' || event === '$set' ? '' : ':set',
      );
    if (event === '$identify' || event === '$set') return;
    const own = ownProperties(properties);
    if (event === '$pageview') emit({ type: 'page', ...who, properties: { ...pageOf(properties), ...own } });
    else if (event === '$screen') emit({ type: 'screen', ...who, name: properties['$screen_name'], properties: own });
    else emit({ type: 'track', ...who, event, properties: own });
  });
  return out;
}

/** The event's own properties: PostHog's (`$…`), the project token and campaign tags are not. */
function ownProperties(properties: Props): Props {
  return Object.fromEntries(
    Object.entries(properties).filter(
      ([name]) => !name.startsWith('$') && name !== 'token' && name !== 'distinct_id' && !(name in campaignKeys),
    ),
  );
}

/** A pageview's properties as Segment's `page` names them. */
function pageOf(properties: Props): Props {
  return defined({
    url: properties['$current_url'],
    path: properties['$pathname'],
    title: properties['$title'],
    referrer: properties['$referrer'],
  });
}

/** Segment's `context` from PostHog's properties: page, campaign, locale, userAgent, library, ip, and the event's account. */
function contextOf(properties: Props): Props {
  const campaign = defined(Object.fromEntries(Object.entries(campaignKeys).map(([from, to]) => [to, properties[from]])));
  const groups = properties['$groups'];
  const groupId = isObject(groups) ? Object.values(groups).find(isId) : undefined;
  return defined({
    page: emptyToUndefined(pageOf(properties)),
    campaign: emptyToUndefined(campaign),
    locale: properties['$browser_language'],
    userAgent: properties['$raw_user_agent'],
    library:
      typeof properties['$lib'] === 'string' ? defined({ name: properties['$lib'], version: properties['$lib_version'] }) : undefined,
    ip: properties['$ip'],
    groupId: groupId === undefined ? undefined : String(groupId),
  });
}

function defined(values: Props): Props {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null));
}

function emptyToUndefined(values: Props): Props | undefined {
  return Object.keys(values).length > 0 ? values : undefined;
}
