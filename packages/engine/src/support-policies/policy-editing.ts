import { validateTicketRule, type PolicyExperiment, type PolicySet, type SupportPolicy } from '@strata/core';
import { listQueues, listSlaPolicies, listSupportPolicies, loadFieldSchema, type WorkspaceScope } from '@strata/storage';

/** A support policy as a client writes it: the rule is text (target ticket). */
export interface SupportPolicyInput {
  name: string;
  position: number;
  when: string;
  set: PolicySet;
  experiment?: PolicyExperiment | undefined;
}

/** A mistake in a policy, naming the field and how to fix it. */
export interface PolicyIssue {
  field: string;
  message: string;
}

export type CheckedPolicy = { ok: true; policy: SupportPolicy } | { ok: false; issues: PolicyIssue[] };

/**
 * Checks a support policy against the workspace: its rule (every mistake, as the rule editor
 * reports them) and the SLA and queue it names. Response sets are kept as given keys.
 */
export async function checkSupportPolicy(scope: WorkspaceScope, key: string, input: SupportPolicyInput): Promise<CheckedPolicy> {
  const [schema, slas, queues] = await Promise.all([loadFieldSchema(scope), listSlaPolicies(scope), listQueues(scope)]);
  const issues: PolicyIssue[] = [];
  const rule = validateTicketRule(input.when, { schema });
  if (!rule.ok)
    for (const d of rule.diagnostics)
      issues.push({ field: 'when', message: `${d.message} (characters ${d.span.start + 1}-${d.span.end} of the rule)` });
  const sla = input.set.sla;
  if (sla !== undefined && !slas.some((s) => s.key === sla)) {
    const known = slas.length > 0 ? `one of ${slas.map((s) => `"${s.key}"`).join(', ')}` : 'none yet';
    issues.push({
      field: 'set.sla',
      message: `unknown SLA policy "${sla}" (the workspace has ${known}): create it first with PUT /api/v1/sla-policies/${sla}`,
    });
  }
  const queue = input.set.queue;
  if (queue !== undefined && !queues.some((q) => q.key === queue)) {
    const known = queues.length > 0 ? `one of ${queues.map((q) => `"${q.key}"`).join(', ')}` : 'none yet';
    issues.push({
      field: 'set.queue',
      message: `unknown queue "${queue}" (the workspace has ${known}): create it first with PUT /api/v1/queues/${queue}`,
    });
  }
  if (!rule.ok || issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    policy: {
      key,
      name: input.name,
      position: input.position,
      whenText: rule.text,
      when: rule.rule,
      set: input.set,
      ...(input.experiment ? { experiment: input.experiment } : {}),
    },
  };
}

/** The support policies that hold an SLA policy: they are re-decided when it changes, and it cannot go while they use it. */
export async function policiesUsingSla(scope: WorkspaceScope, slaKey: string): Promise<SupportPolicy[]> {
  return (await listSupportPolicies(scope)).filter((p) => p.set.sla === slaKey);
}
