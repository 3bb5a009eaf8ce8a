/** A topic and the words or phrases that tag a ticket with it (matched whole, case-insensitive). */
export interface TopicRule {
  topic: string;
  keywords: string[];
}

/** The topics every workspace starts with; a workspace that edits its rules replaces them all. */
export const builtInTopicRules: readonly TopicRule[] = [
  {
    topic: 'billing',
    keywords: [
      'invoice',
      'billing',
      'billed',
      'charge',
      'charged',
      'refund',
      'payment',
      'receipt',
      'credit card',
      'price',
      'pricing',
      'vat',
    ],
  },
  {
    topic: 'bug',
    keywords: [
      'bug',
      'error',
      'crash',
      'crashes',
      'broken',
      'not working',
      "doesn't work",
      'does not work',
      'fails',
      'failed',
      'blank screen',
      'exception',
    ],
  },
  {
    topic: 'how-to',
    keywords: ['how do i', 'how can i', 'how to', 'where can i', 'where do i', 'is there a way', 'is it possible', 'can i'],
  },
  {
    topic: 'account-access',
    keywords: ['log in', 'login', 'sign in', 'password', 'locked out', '2fa', 'two-factor', 'sso', 'reset link', 'access'],
  },
  {
    topic: 'cancellation',
    keywords: ['cancel', 'cancellation', 'unsubscribe', 'close my account', 'delete my account', 'terminate', 'downgrade'],
  },
  {
    topic: 'feature-request',
    keywords: ['feature request', 'would be great if', 'it would be nice', 'please add', 'wish', 'suggestion', 'roadmap', 'support for'],
  },
];

export const topicNamePattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A mistake in a workspace's topic rules: which rule, and how to fix it. */
export interface TopicRuleIssue {
  code: 'invalid-topic-name' | 'duplicate-topic' | 'no-keywords' | 'keyword-too-long';
  path: string;
  message: string;
}

/** Every mistake in a set of topic rules (none: they can be stored). */
export function checkTopicRules(rules: readonly TopicRule[]): TopicRuleIssue[] {
  const issues: TopicRuleIssue[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const path = `rules[${i}]`;
    if (!topicNamePattern.test(rule.topic))
      issues.push({
        code: 'invalid-topic-name',
        path: `${path}.topic`,
        message: `topic "${rule.topic}" must be lower-case letters, digits and dashes, such as "billing"`,
      });
    if (seen.has(rule.topic))
      issues.push({
        code: 'duplicate-topic',
        path: `${path}.topic`,
        message: `topic "${rule.topic}" appears twice: merge its keywords into one rule`,
      });
    seen.add(rule.topic);
    if (rule.keywords.filter((k) => k.trim() !== '').length === 0)
      issues.push({ code: 'no-keywords', path: `${path}.keywords`, message: `topic "${rule.topic}" needs at least one keyword` });
    rule.keywords.forEach((keyword, k) => {
      if (keyword.length > 100)
        issues.push({ code: 'keyword-too-long', path: `${path}.keywords[${k}]`, message: 'a keyword has at most 100 characters' });
    });
  });
  return issues;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The topics a ticket's text matches, the one with most keyword hits first (ties in rule order).
 * Keywords match whole words: "cancel" tags "please cancel it" but not "cancelled the meeting".
 */
export function matchTopics(text: string, rules: readonly TopicRule[]): string[] {
  const lower = text.toLowerCase();
  const hits = rules.map((rule, order) => {
    const count = rule.keywords.reduce((sum, keyword) => {
      const k = keyword.trim().toLowerCase();
      if (k === '') return sum;
      return sum + (lower.match(new RegExp(`(?<![\\p{L}\\p{N}])${escape(k)}(?![\\p{L}\\p{N}])`, 'gu'))?.length ?? 0);
    }, 0);
    return { topic: rule.topic, count, order };
  });
  return hits
    .filter((h) => h.count > 0)
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .map((h) => h.topic);
}

/**
 * A ticket's topics after a write: tags an agent set that name a topic come first (the team's
 * word beats the keywords), then the topics it had, then those its new text matches. The first
 * is the ticket's `topic`.
 */
export function mergeTicketTopics(
  previous: readonly string[],
  matched: readonly string[],
  tags: readonly string[],
  rules: readonly TopicRule[],
): string[] {
  const known = new Set(rules.map((r) => r.topic));
  return [...new Set([...tags.filter((t) => known.has(t)), ...previous, ...matched])];
}
