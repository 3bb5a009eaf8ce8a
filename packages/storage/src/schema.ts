import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** jsonb read as parsed JSON, written as a JSON string (pg does not serialise arrays as JSON). */
export type Json<T = Record<string, unknown>> = ColumnType<T, string, string>;

/** The database as Kysely sees it; snake_case, mapped to domain types in the repositories. */
export interface Database {
  workspaces: {
    workspace_id: string;
    slug: string;
    name: string;
    timezone: Generated<string>;
    business_hours: Json<BusinessHoursSetting> | null;
    raw_events_months: number | null;
    health_settings: Json<{ quadrant?: { highValue: number; healthy: number; poorHealth: number } }> | null;
    sla_warning_minutes: number | null;
    lifecycle_stages: Json<Array<{ stage: string; when: string }>> | null;
    created_at: CreatedAt;
    triage_weights: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
    /** Origins browsers may send events from (migration 0028); `*` any, only when set explicitly. */
    allowed_origins: Generated<string[]>;
    allow_ip: Generated<boolean>;
    analytics_settings: Json<Record<string, number>> | null;
    /** The trigger kinds of the workspace's enabled playbooks, kept by each save and delete (migration 0035). */
    playbook_triggers: Generated<string[]>;
  };
  api_keys: {
    workspace_id: string;
    key_id: string;
    name: string;
    prefix: string;
    secret_hash: Buffer;
    scopes: string[];
    created_at: CreatedAt;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
  people: {
    workspace_id: string;
    person_id: string;
    user_id: string | null;
    traits: Json;
    trait_times: Json<TraitTimes>;
    first_seen_at: Timestamp;
    last_seen_at: Timestamp;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  identities: {
    workspace_id: string;
    kind: IdentityKind;
    value: string;
    person_id: string;
    created_at: CreatedAt;
  };
  person_merges: {
    workspace_id: string;
    from_person_id: string;
    into_person_id: string;
    merged_at: CreatedAt;
  };
  accounts: {
    workspace_id: string;
    account_id: string;
    group_id: string;
    traits: Json;
    trait_times: Json<TraitTimes>;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  person_accounts: {
    workspace_id: string;
    person_id: string;
    account_id: string;
    traits: Json;
    trait_times: Json<TraitTimes>;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  events: {
    workspace_id: string;
    event_id: Generated<string>;
    message_id: string;
    type: 'track' | 'page' | 'screen';
    name: string;
    person_id: string | null;
    account_id: string | null;
    properties: Json;
    /** The message's `context` (migration 0028); NULL for events stored before it. */
    context: Json | null;
    timestamp: Timestamp;
    received_at: Timestamp;
    sent_at: Timestamp | null;
    future: Generated<boolean>;
    /** The writing transaction (migration 0033), for readers after a cursor; NULL for events stored before it. */
    txid: Generated<string | null>;
  };
  /** Per person and event name, kept by a trigger on `events` (migration 0017). */
  event_summaries: {
    workspace_id: string;
    person_id: string;
    name: string;
    count: ColumnType<string, string | number, string | number>;
    first_at: Timestamp;
    last_at: Timestamp;
    times: ColumnType<Date[], string, string>;
    complete_since: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  message_ids: {
    workspace_id: string;
    message_id: string;
    received_at: CreatedAt;
  };
  field_registry: {
    workspace_id: string;
    source: FieldSource;
    event_name: Generated<string>;
    field: string;
    type: string;
    first_seen_at: CreatedAt;
  };
  tickets: {
    workspace_id: string;
    ticket_id: string;
    person_id: string | null;
    account_id: string | null;
    priority: string | null;
    status: string | null;
    channel: string | null;
    subject: string | null;
    csat: number | null;
    sentiment: number | null;
    sentiment_label: string | null;
    language: string | null;
    first_response_minutes: number | null;
    resolution_minutes: number | null;
    reopen_count: Generated<number>;
    created_at: Timestamp;
    solved_at: Timestamp | null;
    source: string;
    external_id: string | null;
    description: string | null;
    tags: string[];
    group_name: string | null;
    assignee: string | null;
    is_open: boolean;
    worst_sentiment: number | null;
    worst_sentiment_label: string | null;
    first_response_at: Timestamp | null;
    first_response_business_minutes: number | null;
    resolution_business_minutes: number | null;
    csat_comment: string | null;
    topic: string | null;
    topics: Generated<string[]>;
    source_updated_at: Timestamp | null;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  ticket_messages: {
    workspace_id: string;
    ticket_id: string;
    message_id: string;
    external_id: string | null;
    author: 'customer' | 'agent';
    public: boolean;
    body: string;
    sentiment: number | null;
    sentiment_label: string | null;
    language: string | null;
    created_at: Timestamp;
    language_confidence: number | null;
    language_source: 'text' | 'requester' | 'account' | null;
    language_supported: Generated<boolean>;
    sentiment_correction: 'negative' | 'neutral' | 'positive' | null;
  };
  ticket_topic_rules: {
    workspace_id: string;
    topic: string;
    keywords: string[];
    position: number;
  };
  text_models: {
    workspace_id: string;
    kind: 'sentiment' | 'topic';
    status: 'queued' | 'training' | 'trained' | 'too-few-labels' | 'failed';
    in_use: Generated<boolean>;
    model: Json<unknown> | null;
    samples: Generated<number>;
    lexicon_quality: Json<Record<string, number>> | null;
    model_quality: Json<Record<string, number>> | null;
    error: string | null;
    requested_at: Timestamp | null;
    trained_at: Timestamp | null;
    rescore_done: number | null;
    rescore_total: number | null;
  };
  churn_models: {
    workspace_id: string;
    status: 'queued' | 'training' | 'trained' | 'failed';
    version: Generated<number>;
    model: Json<unknown> | null;
    assessment: Json<unknown> | null;
    keep_features: Generated<string[]>;
    label_segment: string | null;
    error: string | null;
    requested_at: Timestamp | null;
    trained_at: Timestamp | null;
    scored: number | null;
    to_score: number | null;
  };
  sla_policies: {
    workspace_id: string;
    policy_key: string;
    name: string;
    business_hours: boolean;
    targets: Json<unknown>;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  support_policies: {
    workspace_id: string;
    policy_key: string;
    name: string;
    position: number;
    rule_text: string;
    rule: Json<unknown>;
    sets: Json<unknown>;
    experiment: Json<unknown> | null;
    redecision: Json<unknown> | null;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  support_events: {
    workspace_id: string;
    event_id: Generated<number>;
    ticket_id: string;
    type: 'ticket.decided' | 'sla.warning' | 'sla.breached';
    dedupe_key: string;
    payload: Json<unknown>;
    at: Timestamp;
  };
  ticket_decisions: {
    workspace_id: string;
    ticket_id: string;
    decision_id: Generated<number>;
    cause: string;
    decision: Json<unknown>;
    decided_at: Timestamp;
  };
  account_mrr_history: {
    workspace_id: string;
    account_id: string;
    at: Timestamp;
    message_id: string;
    mrr: number | null;
  };
  churn_scores: {
    workspace_id: string;
    account_id: string;
    probability: number;
    band: 'low' | 'medium' | 'high';
    contributions: Json<unknown>;
    model_version: number;
    scored_at: Timestamp;
  };
  canned_responses: {
    workspace_id: string;
    response_key: string;
    title: string;
    body: string;
    segments: string[] | null;
    languages: string[] | null;
    tags: string[];
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  help_desk_connections: {
    workspace_id: string;
    provider: 'zendesk' | 'freshdesk' | 'intercom';
    base_url: string;
    credentials_ciphertext: string;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  ticket_sync_attempts: {
    workspace_id: string;
    attempt_id: string;
    ticket_id: string;
    provider: 'zendesk' | 'freshdesk' | 'intercom';
    external_ticket_id: string;
    request: Json<unknown>;
    outcome: 'synced' | 'retrying' | 'failed';
    http_status: number | null;
    error: string | null;
    attempt: number;
    attempted_at: Timestamp;
  };
  health_models: {
    workspace_id: string;
    model_key: string;
    version: number;
    definition: Json<unknown>;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  health_model_versions: {
    workspace_id: string;
    model_key: string;
    version: number;
    definition: Json<unknown>;
    created_at: CreatedAt;
  };
  account_health: {
    workspace_id: string;
    model_key: string;
    account_id: string;
    model_version: number;
    score: number;
    band: string | null;
    trend: 'up' | 'down' | 'flat';
    measures: Json<unknown>;
    computed_at: Timestamp;
  };
  account_health_days: {
    workspace_id: string;
    model_key: string;
    account_id: string;
    day: ColumnType<string, string, string>;
    score: number;
    band: string | null;
  };
  health_manual_values: {
    workspace_id: string;
    model_key: string;
    account_id: string;
    measure_key: string;
    value: number;
    set_by: string;
    set_at: Timestamp;
  };
  health_band_changes: {
    workspace_id: string;
    change_id: Generated<number>;
    model_key: string;
    /** Exactly one of `account_id` and `person_id` is set: the profile whose band changed. */
    account_id: string | null;
    person_id: string | null;
    from_band: string | null;
    to_band: string | null;
    score: number;
    at: Timestamp;
    txid: Generated<string>;
  };
  person_health: {
    workspace_id: string;
    model_key: string;
    person_id: string;
    model_version: number;
    score: number;
    band: string | null;
    trend: 'up' | 'down' | 'flat';
    measures: Json<unknown>;
    computed_at: Timestamp;
  };
  person_health_days: {
    workspace_id: string;
    model_key: string;
    person_id: string;
    day: ColumnType<string, string, string>;
    score: number;
    band: string | null;
  };
  person_health_manual_values: {
    workspace_id: string;
    model_key: string;
    person_id: string;
    measure_key: string;
    value: number;
    set_by: string;
    set_at: Timestamp;
  };
  person_health_work: {
    workspace_id: string;
    person_id: string;
    cause: Json;
    queued_at: Generated<Timestamp>;
  };
  health_work: {
    workspace_id: string;
    account_id: string;
    cause: Json;
    queued_at: Generated<Timestamp>;
  };
  health_recomputes: {
    workspace_id: string;
    model_key: string;
    status: 'running' | 'done' | 'failed';
    done: Generated<number>;
    total: Generated<number>;
    error: string | null;
    started_at: Timestamp;
    finished_at: Timestamp | null;
  };
  surveys: {
    workspace_id: string;
    survey_id: string;
    person_id: string | null;
    account_id: string | null;
    kind: string | null;
    nps: number | null;
    csat: number | null;
    score: number | null;
    comment: string | null;
    submitted_at: Timestamp;
    source: string;
    external_id: string | null;
    ticket_id: string | null;
    category: string | null;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  integrations: {
    workspace_id: string;
    provider: string;
    secret_ciphertext: Buffer | null;
    url_token: string;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    last_delivery_at: Timestamp | null;
    deliveries_accepted: Generated<number>;
    deliveries_refused: Generated<number>;
    last_error_at: Timestamp | null;
    last_error: string | null;
    /** A webhook help desk's field mapping and authentication (JSON); null for built-in providers. */
    config: Json<unknown> | null;
  };
  webhook_deliveries: {
    workspace_id: string;
    provider: string;
    event_id: string;
    received_at: CreatedAt;
  };
  segment_members: {
    workspace_id: string;
    segment_key: string;
    member_id: string;
    entered_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  segments: {
    workspace_id: string;
    segment_key: string;
    name: string;
    description: Generated<string>;
    target: 'person' | 'account';
    predefined: Generated<boolean>;
    /** Members set by hand, not by the rule (migration 0033). */
    manual: Generated<boolean>;
    active_version: number | null;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  segment_versions: {
    workspace_id: string;
    segment_key: string;
    version: number;
    rule: Json<unknown>;
    rule_text: string;
    state: SegmentVersionState;
    backfill_total: Generated<number>;
    backfill_done: Generated<number>;
    backfill_cursor: string | null;
    last_full_evaluation_at: Timestamp | null;
    created_at: CreatedAt;
    activated_at: Timestamp | null;
    backfill_attempts: Generated<number>;
    backfill_next_attempt_at: Timestamp | null;
    backfill_last_error: string | null;
    backfill_last_error_at: Timestamp | null;
  };
  segment_staging: {
    workspace_id: string;
    segment_key: string;
    version: number;
    member_id: string;
    is_member: boolean;
  };
  segment_metric_days: {
    workspace_id: string;
    segment_key: string;
    /** A calendar day in the workspace's time zone, read as 'YYYY-MM-DD' text. */
    day: ColumnType<string, string, string>;
    metrics: Json<Record<string, number | null>>;
    computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  analytics_backfills: {
    workspace_id: string;
    backfill_id: string;
    from_day: ColumnType<string, string, string>;
    to_day: ColumnType<string, string, string>;
    status: 'queued' | 'running' | 'done' | 'failed';
    done: Generated<number>;
    total: Generated<number>;
    error: string | null;
    started_at: Timestamp;
    finished_at: Timestamp | null;
  };
  segment_changes: {
    workspace_id: string;
    change_id: Generated<number>;
    segment_key: string;
    member_id: string;
    kind: 'enter' | 'exit';
    at: Timestamp;
    version: number;
    cause: Json<unknown>;
    txid: Generated<string>;
  };
  change_cursors: {
    workspace_id: string;
    subscriber: string;
    txid: ColumnType<string, string | undefined, string>;
    change_id: ColumnType<number, number | undefined, number>;
    handled: ColumnType<string, number | undefined, number | string>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    failures: Generated<number>;
    next_attempt_at: Timestamp | null;
    last_error: string | null;
    last_error_at: Timestamp | null;
  };
  webhooks: {
    workspace_id: string;
    webhook_key: string;
    url: string;
    events: string[];
    segments: string[] | null;
    secret_ciphertext: string;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  webhook_messages: {
    workspace_id: string;
    message_id: string;
    /** Null for a playbook step's message, which carries its own url and secret. */
    webhook_key: string | null;
    change_id: number | null;
    support_event_id: number | null;
    url: string | null;
    secret_ciphertext: string | null;
    enrolment_id: string | null;
    step_path: string | null;
    event: string;
    payload: Json<unknown>;
    status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | undefined, 'pending' | 'delivered' | 'failed'>;
    attempts: Generated<number>;
    last_attempt_at: Timestamp | null;
    next_attempt_at: Timestamp | null;
    last_status: number | null;
    last_error: string | null;
    created_at: CreatedAt;
    delivered_at: Timestamp | null;
  };
  segment_work: {
    workspace_id: string;
    work_id: Generated<number>;
    target: 'person' | 'account';
    profile_id: string;
    topics: string[];
    cause: Json<unknown>;
    queued_at: CreatedAt;
    attempts: Generated<number>;
    next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
    failed_segment: string | null;
    last_error: string | null;
    last_error_at: Timestamp | null;
  };
  segment_work_parked: {
    workspace_id: string;
    work_id: number;
    target: 'person' | 'account';
    profile_id: string;
    topics: string[];
    cause: Json<unknown>;
    queued_at: Timestamp;
    attempts: number;
    failed_segment: string | null;
    last_error: string;
    parked_at: Timestamp;
  };
  segment_sweeps: {
    workspace_id: string;
    swept_until: Timestamp;
  };
  trait_instants: {
    workspace_id: string;
    target: 'person' | 'account';
    profile_id: string;
    name: string;
    at: Timestamp;
  };
  ingestion_counters: {
    workspace_id: string;
    shard: number;
    received: ColumnType<string, number, never>;
    stored: ColumnType<string, number, never>;
    rejected: ColumnType<string, number, never>;
    deduplicated: ColumnType<string, number, never>;
    suppressed: ColumnType<string, number, never>;
  };
  audit_log: {
    workspace_id: string;
    audit_id: Generated<string>;
    at: Timestamp;
    actor_kind: 'user' | 'key' | 'cli' | 'system';
    actor_id: string | null;
    actor_label: string | null;
    address: string | null;
    kind: string;
    subject: string | null;
    before: Json<unknown> | null;
    after: Json<unknown> | null;
  };
  suppressions: {
    workspace_id: string;
    identifier_hash: Buffer;
    created_at: CreatedAt;
  };
  users: {
    user_id: string;
    email: string;
    password_hash: string | null;
    created_at: CreatedAt;
  };
  workspace_members: {
    workspace_id: string;
    user_id: string;
    role: string;
    created_at: CreatedAt;
  };
  user_sessions: {
    workspace_id: string;
    session_id: string;
    user_id: string;
    token_hash: Buffer;
    created_at: Timestamp;
    last_seen_at: Timestamp;
    expires_at: Timestamp;
  };
  user_invitations: {
    workspace_id: string;
    invitation_id: string;
    user_id: string;
    role: string;
    token_hash: Buffer;
    created_at: Timestamp;
    expires_at: Timestamp;
    accepted_at: Timestamp | null;
  };
  password_resets: {
    token_hash: Buffer;
    user_id: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    used_at: Timestamp | null;
  };
  setup_tokens: {
    token_hash: Buffer;
    workspace_id: string;
    created_at: CreatedAt;
  };
  login_failures: {
    bucket: string;
    failed_at: Timestamp;
  };
  support_queues: {
    workspace_id: string;
    key: string;
    name: string;
    assignment: 'round-robin' | 'least-loaded' | 'manual';
    language_fallback: 'any-agent' | 'unassigned';
    agents: ColumnType<AgentSeatRow[], string, string>;
    help_desk_groups: ColumnType<Partial<Record<'zendesk' | 'freshdesk' | 'intercom', string>>, string | undefined, string>;
    last_assigned: string | null;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  agent_statuses: {
    workspace_id: string;
    email: string;
    status: 'online' | 'away';
    changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  ticket_assignments: {
    workspace_id: string;
    ticket_id: string;
    assignment_id: Generated<string>;
    queue_key: string;
    assignee: string | null;
    reason: string;
    language_fallback: boolean;
    cause: string;
    at: ColumnType<Date, Date | string | undefined, never>;
  };
  playbooks: {
    workspace_id: string;
    playbook_key: string;
    name: string;
    enabled: boolean;
    version: number;
    definition: Json<unknown>;
    created_at: CreatedAt;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  playbook_versions: {
    workspace_id: string;
    playbook_key: string;
    version: number;
    definition: Json<unknown>;
    created_at: CreatedAt;
  };
  playbook_enrolments: {
    workspace_id: string;
    enrolment_id: Generated<string>;
    playbook_key: string;
    version: number;
    person_id: string;
    cause: Json<unknown>;
    status: PlaybookEnrolmentStatus;
    next_step: string | null;
    error: string | null;
    started_at: Timestamp;
    updated_at: Timestamp;
    finished_at: Timestamp | null;
    /** The experiment arm assigned at enrolment (migration 0034); NULL without an experiment. */
    arm: string | null;
    /** When the experiment's goal rule was first seen to hold (migration 0034). */
    goal_reached_at: Timestamp | null;
  };
  playbook_step_runs: {
    workspace_id: string;
    enrolment_id: string;
    step_path: string;
    step_type: string;
    outcome: string;
    detail: Json<unknown> | null;
    at: Timestamp;
  };
  csm_tasks: {
    workspace_id: string;
    task_id: Generated<string>;
    enrolment_id: string | null;
    playbook_key: string | null;
    person_id: string;
    title: string;
    assignee: string | null;
    reason: string | null;
    due_at: Timestamp | null;
    status: 'open' | 'done';
    created_at: Timestamp;
    completed_at: Timestamp | null;
  };
  /** A ticket becoming solved, logged by a trigger on `tickets` (migration 0033). */
  ticket_solutions: {
    workspace_id: string;
    change_id: Generated<number>;
    ticket_id: string;
    person_id: string | null;
    at: Timestamp;
    txid: Generated<string>;
  };
  /** A message an in-app step left for a person (migration 0033); one per run and step. */
  in_app_messages: {
    workspace_id: string;
    message_id: Generated<string>;
    person_id: string;
    enrolment_id: string;
    step_path: string;
    playbook_key: string;
    title: string;
    body: string;
    cta: Json<{ label: string; url: string }> | null;
    status: Generated<'pending' | 'seen' | 'dismissed'>;
    created_at: Timestamp;
    expires_at: Timestamp;
    seen_at: Timestamp | null;
    dismissed_at: Timestamp | null;
  };
  /** The workspace's in-app identity-verification secret, sealed (migration 0033). */
  in_app_secrets: {
    workspace_id: string;
    secret_ciphertext: Buffer;
    rotated_at: Timestamp;
  };
  /** The last cron time a schedule playbook enrolled at (migration 0033). */
  playbook_schedule_ticks: {
    workspace_id: string;
    playbook_key: string;
    last_tick_at: Timestamp;
    /** The cron time being enrolled in chunks, and the last person id enrolled for it (migration 0035). */
    running_tick_at: Timestamp | null;
    running_after: string | null;
  };
  email_settings: {
    workspace_id: string;
    host: string;
    port: number;
    secure: boolean;
    username: string | null;
    password_ciphertext: string | null;
    from_address: string;
    frequency_cap: Json<unknown> | null;
    updated_at: Timestamp;
  };
  email_outbox: {
    workspace_id: string;
    enrolment_id: string;
    step_path: string;
    person_id: string;
    playbook_key: string;
    to_address: string;
    message: Json<unknown>;
    transactional: boolean;
    status: EmailOutboxStatus;
    attempts: Generated<number>;
    last_error: string | null;
    created_at: Timestamp;
    sent_at: Timestamp | null;
    /** When a delivery attempt claimed the email to send it, and which attempt (migration 0035). */
    claimed_at: Timestamp | null;
    claimed_attempt: number | null;
  };
  email_suppressions: {
    workspace_id: string;
    email: string;
    reason: EmailSuppressionReason;
    created_at: Timestamp;
  };
}

/**
 * Where an outbox email stands: `sending` while an attempt that claimed it talks to the SMTP server;
 * `failed` after its last attempt (its run failed too, retryable); `suppressed` when the address
 * was suppressed before the send.
 */
export type EmailOutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';
/** Why an address gets no more email: `unsubscribed` stops marketing email only. */
export type EmailSuppressionReason = 'unsubscribed' | 'bounce' | 'manual';

/** Where a playbook enrolment stands; `failed` is dead-lettered (retryable), the others ended. */
export type PlaybookEnrolmentStatus = 'active' | 'completed' | 'exited' | 'stopped' | 'failed';

/** A queue's agent seat as stored (`support_queues.agents`). */
export interface AgentSeatRow {
  email: string;
  skills: string[];
  languages: string[];
  capacity: number;
}

export type SegmentVersionState = 'building' | 'active' | 'retired';
/** A workspace's business hours as stored (see businessHours in core). */
export interface BusinessHoursSetting {
  timezone?: string | undefined;
  workingDays: number[];
  start: string;
  end: string;
  holidays: string[];
}
export type IdentityKind = 'user_id' | 'anonymous_id' | 'email';
export type FieldSource = 'person' | 'account' | 'membership' | 'event';
/** Per trait, the `[eventTime ISO, messageId]` of the write that set it; later writes win. */
export type TraitTimes = Record<string, [string, string]>;
