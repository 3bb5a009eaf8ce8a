import type { HealthModelInput } from './validate-health-model.js';

/** The key of the model every workspace has, and the one rule fields read. */
export const defaultHealthModelKey = 'default';

/**
 * The predefined account model, from what the generator and the integrations provide: usage
 * (active people in 30 days per seat), feature breadth, support load, sentiment and CSAT (90 days),
 * voice (last NPS) and billing (not delinquent, MRR trend over 90 days). A workspace edits it like any other model.
 */
export const defaultHealthModel: HealthModelInput = {
  name: 'Account health',
  target: 'account',
  method: 'weighted',
  measures: [
    {
      key: 'usage',
      name: 'Active people per seat (30 days)',
      expression: 'count(people where did "login" within last 30 days) / seats',
      weight: 20,
      scoring: { type: 'linear', min: 0, max: 0.8 },
      missing: 'zero',
    },
    {
      key: 'feature-breadth',
      name: 'Key features used (30 days)',
      expression: 'distinct(events "feature_used".feature within last 30 days)',
      weight: 10,
      scoring: {
        type: 'thresholds',
        steps: [
          { min: 1, score: 40 },
          { min: 3, score: 70 },
          { min: 6, score: 100 },
        ],
      },
      missing: 'zero',
    },
    {
      key: 'urgent-tickets',
      name: 'Urgent tickets (90 days)',
      expression: 'count(tickets where priority = "urgent" within last 90 days)',
      weight: 15,
      scoring: { type: 'linear', min: 3, max: 0 },
      missing: 'neutral',
    },
    {
      key: 'sentiment',
      name: 'Worst ticket sentiment (90 days)',
      expression: 'min(tickets.worst_sentiment within last 90 days)',
      weight: 15,
      scoring: { type: 'linear', min: -1, max: 0.2 },
      missing: 'neutral',
    },
    {
      key: 'csat',
      name: 'CSAT (90 days)',
      expression: 'avg(surveys.csat within last 90 days)',
      weight: 15,
      scoring: { type: 'linear', min: 1, max: 5 },
      missing: 'neutral',
    },
    {
      key: 'nps',
      name: 'Last NPS',
      expression: 'last(surveys.nps where nps is set)',
      weight: 15,
      scoring: { type: 'linear', min: 0, max: 10 },
      missing: 'neutral',
    },
    { key: 'billing', name: 'Not delinquent', expression: 'not delinquent = true', weight: 10, missing: 'neutral' },
    {
      // Relative to the MRR of 90 days ago: a 30% cut scores 0, flat 75, 10% growth 100; accounts
      // whose MRR history is younger than 90 days (or that never paid) are missing, so neutral.
      key: 'mrr-trend',
      name: 'MRR change on 90 days ago',
      expression: 'mrr_change_90d / (mrr - mrr_change_90d)',
      weight: 10,
      scoring: { type: 'linear', min: -0.3, max: 0.1 },
      missing: 'neutral',
    },
  ],
  bands: [
    { key: 'poor', name: 'Poor', min: 0 },
    { key: 'fair', name: 'Fair', min: 40 },
    { key: 'good', name: 'Good', min: 70 },
  ],
};
