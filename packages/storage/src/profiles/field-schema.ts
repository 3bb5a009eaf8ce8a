import { baseFieldSchema, ownValue, ruleDependencies, setOwnValue, type FieldSchema, type FieldType, type SegmentRule } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** The fields the rule checker knows in a workspace: the built-in vocabulary plus every field seen in its data. */
export async function loadFieldSchema(scope: WorkspaceScope): Promise<FieldSchema> {
  const { db, workspaceId } = scope;
  const schema = baseFieldSchema();
  const rows = await db
    .selectFrom('field_registry')
    .select(['source', 'event_name', 'field', 'type'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  for (const row of rows) {
    const type = row.type as FieldType;
    // What the data says wins over the built-in vocabulary: a workspace whose plan is a number compares it as one.
    // Field names are the senders' (`__proto__` included), so they are stored as own keys.
    if (row.source === 'person') setOwnValue(schema.person, row.field, type);
    else if (row.source === 'account') setOwnValue(schema.account, row.field, type);
    else if (row.source === 'membership') setOwnValue(schema.membership, row.field, type);
    else {
      const properties = ownValue(schema.events, row.event_name) ?? {};
      setOwnValue(properties, row.field, type);
      setOwnValue(schema.events, row.event_name, properties);
    }
  }
  // Stored segments, with what their newest rule references (the checker refuses cycles).
  const segments = await db
    .selectFrom('segments as s')
    .innerJoin('segment_versions as v', (j) =>
      j.onRef('v.workspace_id', '=', 's.workspace_id').onRef('v.segment_key', '=', 's.segment_key'),
    )
    .select(['s.segment_key', 's.target', 'v.rule'])
    .distinctOn('s.segment_key')
    .where('s.workspace_id', '=', workspaceId)
    .orderBy('s.segment_key')
    .orderBy('v.version', 'desc')
    .execute();
  for (const segment of segments)
    setOwnValue(schema.segments, segment.segment_key, {
      target: segment.target,
      references: ruleDependencies(segment.rule as SegmentRule).segments,
    });
  return schema;
}
