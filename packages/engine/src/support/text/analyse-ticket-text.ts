import { matchTopics, type TopicRule } from '@strata/core';
import { findLanguageTraits, type WorkspaceScope } from '@strata/storage';
import { normaliseText } from './normalise-text.js';
import { textAnalyser, type TextSignals } from './text-analyser.js';
import { loadWorkspaceTextSettings } from './workspace-text-settings.js';

const noSignals: TextSignals = { sentiment: null, language: null, languageConfidence: null, languageSource: null, languageSupported: true };

/**
 * Everything a ticket write learns from text, worked out before its transaction (CPU work and
 * reads that should hold no lock): each customer message's sentiment and language (with the
 * subject, the workspace's model in use, and the requester's or account's `language` trait when
 * the text is too short to tell), and the topics the subject and messages match.
 */
export async function analyseTicketText(
  scope: WorkspaceScope,
  input: {
    subject: string | null | undefined;
    messages: ReadonlyArray<{ author: 'customer' | 'agent'; body: string }>;
    requester: { personId: string | null; accountId: string | null } | undefined;
  },
): Promise<{ signals: TextSignals[]; topics: string[]; topicRules: readonly TopicRule[] }> {
  // CPU work inside a transaction would hold the ticket's row lock (and a connection) meanwhile.
  if (scope.db.isTransaction) throw new Error('invariant: ticket text is analysed before the transaction, not in it');
  const [analyse, settings] = await Promise.all([textAnalyser(), loadWorkspaceTextSettings(scope)]);
  const context = { subject: input.subject, blend: settings.blend };
  let signals = input.messages.map((m) => (m.author === 'customer' ? analyse(m.body, context) : noSignals));
  // The traits cost a read, so only messages the text could not place pay for it.
  const unplaced = signals.some((s, i) => input.messages[i]?.author === 'customer' && s.languageSource === null);
  if (unplaced && input.requester && (input.requester.personId || input.requester.accountId)) {
    const fallbacks = await findLanguageTraits(scope, input.requester);
    signals = input.messages.map((m, i) =>
      m.author === 'customer' && signals[i]?.languageSource === null
        ? analyse(m.body, { ...context, fallbacks })
        : (signals[i] ?? noSignals),
    );
  }
  const customerText = [
    input.subject ?? '',
    ...input.messages.filter((m) => m.author === 'customer').map((m) => normaliseText(m.body).words),
  ].join('\n');
  const matched = matchTopics(customerText, settings.topicRules);
  // The workspace's classifier speaks only where its keyword rules found nothing.
  const classified = matched.length === 0 && customerText.trim() !== '' ? settings.classifyTopic?.(customerText) : undefined;
  return { signals, topics: classified ? [classified] : matched, topicRules: settings.topicRules };
}
