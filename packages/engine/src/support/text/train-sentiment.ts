import { trainSentimentModel, type SentimentExample } from '@strata/core';
import {
  enqueueSegmentWork,
  inWorkspaceTransaction,
  listOpenTicketMessagesToRescore,
  listSentimentLabels,
  listTicketMessages,
  lockTicket,
  markTextModelTraining,
  saveTextModel,
  setTextModelRescoreProgress,
  updateMessageSentiment,
  updateTicket,
  type WorkspaceScope,
} from '@strata/storage';
import { WorkCollector } from '../../segments/index.js';
import { loadBusinessHours } from '../business-hours-setting.js';
import { deriveTicket } from '../ticket-derivation.js';
import { normaliseText } from './normalise-text.js';
import { textAnalyser, type TextAnalyser } from './text-analyser.js';
import { forgetWorkspaceTextSettings, loadWorkspaceTextSettings } from './workspace-text-settings.js';

export interface SentimentTrainingOutcome {
  status: 'trained' | 'too-few-labels';
  inUse: boolean;
  samples: number;
  rescored: number;
}

/**
 * Trains the workspace's sentiment model from its labels (agents' corrections, CSAT as weak
 * labels), stores it with its cross-validated quality next to the lexicon's, and, when asked and
 * the model is in use, re-scores the customer messages of open tickets, recording progress.
 */
export async function trainWorkspaceSentiment(scope: WorkspaceScope, options: { rescore: boolean }): Promise<SentimentTrainingOutcome> {
  await markTextModelTraining(scope, 'sentiment');
  const analyse = await textAnalyser();
  const labels = await listSentimentLabels(scope);
  // The lexicon's score of each label's text, read as new messages are (the stored language as fallback).
  const examples: SentimentExample[] = labels.map((l) => ({
    text: normaliseText(l.body).words,
    label: l.label,
    lexiconScore: analyse(l.body, { fallbacks: { requester: l.language } }).sentiment?.score ?? 0,
  }));
  const training = trainSentimentModel(examples);
  const trainedAt = scope.clock();
  if (training.status === 'too-few-labels') {
    await saveTextModel(scope, 'sentiment', {
      status: 'too-few-labels',
      inUse: false,
      model: null,
      samples: training.samples,
      lexiconQuality: null,
      modelQuality: null,
      error: null,
      trainedAt,
    });
    return { status: 'too-few-labels', inUse: false, samples: training.samples, rescored: 0 };
  }
  await saveTextModel(scope, 'sentiment', {
    status: 'trained',
    inUse: training.inUse,
    model: training.trained,
    samples: training.lexicon.samples,
    lexiconQuality: { ...training.lexicon },
    modelQuality: { ...training.model },
    error: null,
    trainedAt,
  });
  forgetWorkspaceTextSettings(scope.workspaceId);
  const rescored = options.rescore && training.inUse ? await rescoreOpenTickets(scope, analyse) : 0;
  return { status: 'trained', inUse: training.inUse, samples: training.lexicon.samples, rescored };
}

/** Scores open tickets' uncorrected customer messages again with the model now in use, one ticket per transaction. */
async function rescoreOpenTickets(scope: WorkspaceScope, analyse: TextAnalyser): Promise<number> {
  const [settings, hours] = await Promise.all([loadWorkspaceTextSettings(scope), loadBusinessHours(scope)]);
  const messages = await listOpenTicketMessagesToRescore(scope);
  const byTicket = new Map<string, typeof messages>();
  for (const m of messages) byTicket.set(m.ticket_id, [...(byTicket.get(m.ticket_id) ?? []), m]);
  let done = 0;
  await setTextModelRescoreProgress(scope, 'sentiment', 0, byTicket.size);
  for (const [ticketId, mine] of byTicket) {
    // Analysis first, outside the ticket's transaction, as for any write.
    const scores = mine.map((m) => ({
      messageId: m.message_id,
      sentiment: analyse(m.body, { subject: m.subject, blend: settings.blend, fallbacks: { requester: m.language } }).sentiment,
    }));
    await inWorkspaceTransaction(scope, async (tx) => {
      const ticket = await lockTicket(tx, { ticketId });
      if (!ticket) return;
      for (const { messageId, sentiment } of scores) if (sentiment) await updateMessageSentiment(tx, messageId, sentiment);
      const stored = await listTicketMessages(tx, ticketId);
      const row = await updateTicket(tx, ticketId, deriveTicket(ticket, stored, hours, null));
      const work = new WorkCollector();
      if (row.person_id) work.add('person', row.person_id, ['tickets'], { kind: 'support' });
      if (row.account_id) work.add('account', row.account_id, ['tickets'], { kind: 'support' });
      await enqueueSegmentWork(tx, work.work());
    });
    done += 1;
    if (done % 50 === 0 || done === byTicket.size) await setTextModelRescoreProgress(scope, 'sentiment', done, byTicket.size);
  }
  return done;
}
