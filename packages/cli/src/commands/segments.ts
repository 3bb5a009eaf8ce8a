import { Presets, SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import {
  createSegment,
  deleteSegment,
  previewSegmentEdit,
  recomputeWorkspace,
  retrySegment,
  segmentKeyPattern,
  updateSegment,
  type BackfillProgress,
  type SegmentProblem,
} from '@strata/engine';
import {
  countSegmentMembers,
  findSegment,
  listSegments,
  listSegmentVersions,
  inWorkspaceTransaction,
  recordAudit,
  workspaceScope,
  type WorkspaceScope,
} from '@strata/storage';
import { byCli } from '../cli-actor.js';
import { registerSegmentExportCommand } from './segment-export.js';
import { openCommandDatabase } from '../database-for-command.js';
import { readConfigOrExit } from '../read-config-or-exit.js';
import { workspaceBySlug } from '../workspace-by-slug.js';

interface WorkspaceOption {
  workspace: string;
}

/** `strata segments list|show|create|update|delete|recompute|export`: the segments API from a terminal. */
export function registerSegmentsCommand(program: Command): void {
  const segments = program.command('segments').description('define segments and look at their versions and members');
  const workspaceOption = () => new Option('--workspace <slug>', 'workspace').default('default');
  registerSegmentExportCommand(segments);

  segments
    .command('list')
    .description('every segment with its target, version and member count')
    .addOption(workspaceOption())
    .action((options: WorkspaceOption) =>
      withWorkspace(options, async (scope) => {
        const rows = [];
        for (const s of await listSegments(scope))
          rows.push({
            key: s.key,
            target: s.target,
            version: s.activeVersion ?? 'building',
            members: await countSegmentMembers(scope, s.key),
            predefined: s.predefined,
          });
        console.table(rows);
      }),
    );

  segments
    .command('show <key>')
    .description('a segment with every version of its rule')
    .addOption(workspaceOption())
    .action((key: string, options: WorkspaceOption) =>
      withWorkspace(options, async (scope) => {
        const segment = await findSegment(scope, key);
        if (!segment) throw new Error(`no segment "${key}"; see strata segments list`);
        process.stdout.write(`${segment.key} (${segment.target}): ${segment.name}\n`);
        for (const v of await listSegmentVersions(scope, key))
          process.stdout.write(
            `  v${v.version} ${v.state.padEnd(8)} ${v.text}${v.state === 'building' ? ` (${v.backfillDone}/${v.backfillTotal})` : ''}\n`,
          );
      }),
    );

  segments
    .command('create <key>')
    .description('create a segment and fill it from the data already there')
    .addOption(workspaceOption())
    .addOption(new Option('--target <target>', 'who the rule selects').choices(['person', 'account']).makeOptionMandatory())
    .requiredOption('--rule <text>', 'the rule, such as \'plan = "pro"\'')
    .option('--name <name>', 'display name (default: the key)')
    .action((key: string, options: WorkspaceOption & { target: 'person' | 'account'; rule: string; name?: string }) =>
      withWorkspace(options, async (scope) => {
        if (!segmentKeyPattern.test(key)) throw new Error('a segment key is lowercase letters, digits, "-" and "_", up to 63 characters');
        const outcome = await withProgress((onProgress) =>
          createSegment(scope, { key, name: options.name ?? key, target: options.target, rule: options.rule }, { onProgress }),
        );
        if (!outcome.ok) throw new Error(describe(outcome.problem));
        await inWorkspaceTransaction(scope, (tx) =>
          recordAudit(tx, {
            ...byCli('segments'),
            kind: 'segment.created',
            subject: key,
            after: { key, name: options.name ?? key, target: options.target, rule: options.rule },
          }),
        );
        process.stderr.write(`created ${key} with ${await countSegmentMembers(scope, key)} members\n`);
      }),
    );

  segments
    .command('update <key>')
    .description('change a rule: shows who would enter and leave, then applies it as a new version (unless --dry-run)')
    .addOption(workspaceOption())
    .requiredOption('--rule <text>', 'the new rule')
    .option('--dry-run', 'only show the difference')
    .action((key: string, options: WorkspaceOption & { rule: string; dryRun?: boolean }) =>
      withWorkspace(options, async (scope) => {
        const preview = await previewSegmentEdit(scope, key, options.rule);
        if (!preview.ok) throw new Error(describe(preview.problem));
        const d = preview.value;
        process.stdout.write(
          `${d.entering} would enter (${d.sampleEntering.join(', ') || '-'}), ${d.leaving} would leave (${d.sampleLeaving.join(', ') || '-'}), ${d.staying} stay\n`,
        );
        if (options.dryRun) return;
        const outcome = await withProgress((onProgress) => updateSegment(scope, key, { rule: options.rule }, { onProgress }));
        if (!outcome.ok) throw new Error(describe(outcome.problem));
        await inWorkspaceTransaction(scope, (tx) =>
          recordAudit(tx, {
            ...byCli('segments'),
            kind: 'segment.version-created',
            subject: key,
            after: { rule: options.rule, version: outcome.value.activeVersion },
          }),
        );
        process.stderr.write(`${key} now serves version ${outcome.value.activeVersion}\n`);
      }),
    );

  segments
    .command('delete <key>')
    .addOption(workspaceOption())
    .action((key: string, options: WorkspaceOption) =>
      withWorkspace(options, async (scope) => {
        const outcome = await deleteSegment(scope, key, (tx) =>
          recordAudit(tx, { ...byCli('segments'), kind: 'segment.deleted', subject: key }),
        );
        if (!outcome.ok) throw new Error(describe(outcome.problem));
        process.stderr.write(`deleted ${key}\n`);
      }),
    );

  segments
    .command('retry <key>')
    .description("try a segment's failed work again now: its parked live work, and its backfill if that failed")
    .addOption(workspaceOption())
    .action((key: string, options: WorkspaceOption) =>
      withWorkspace(options, async (scope) => {
        const outcome = await retrySegment(scope, key);
        if (!outcome.ok) throw new Error(describe(outcome.problem));
        const { requeued, backfill } = outcome.value;
        process.stderr.write(
          `${key}: ${requeued} parked change${requeued === 1 ? '' : 's'} queued again${backfill ? '; its backfill runs again at the next time sweep' : ''}\n`,
        );
      }),
    );

  segments
    .command('recompute')
    .description('re-evaluate every segment in full (after loading data around ingestion, such as a restore)')
    .addOption(workspaceOption())
    .action((options: WorkspaceOption) =>
      withWorkspace(options, async (scope) => {
        await recomputeWorkspace(scope, (key, r) =>
          process.stderr.write(`${key}: ${r.entered} entered, ${r.exited} left (${r.seconds.toFixed(1)} s)\n`),
        );
      }),
    );
}

const now = () => new Date();

/** Runs a command in the named workspace: the command's root, where its scope and clock are made. */
async function withWorkspace(options: WorkspaceOption, run: (scope: WorkspaceScope) => Promise<void>): Promise<void> {
  const database = await openCommandDatabase(readConfigOrExit());
  try {
    const workspace = await workspaceBySlug(database.strata.db, options.workspace);
    await run(workspaceScope(database.strata.db, workspace.id, now));
  } finally {
    await database.close();
  }
}

/** Runs a backfilling call with a progress bar on standard error. */
async function withProgress<T>(run: (onProgress: (p: BackfillProgress) => void) => Promise<T>): Promise<T> {
  const bar = new SingleBar({ format: 'filling [{bar}] {value}/{total} profiles', stream: process.stderr }, Presets.shades_classic);
  let started = false;
  try {
    return await run((p) => {
      if (!started) bar.start(p.total, p.done);
      started = true;
      bar.update(p.done);
    });
  } finally {
    bar.stop();
  }
}

function describe(problem: SegmentProblem): string {
  switch (problem.code) {
    case 'invalid-rule':
      return `the rule has mistakes:\n${problem.diagnostics.map((d) => `  ${d.code} at ${d.span.start}-${d.span.end}: ${d.message}`).join('\n')}`;
    case 'key-taken':
      return `a segment "${problem.key}" exists; use strata segments update`;
    case 'not-found':
      return `no segment "${problem.key}"; see strata segments list`;
    case 'predefined':
      return `"${problem.key}" is predefined and cannot be deleted; update its rule instead`;
    case 'referenced':
      return `"${problem.key}" is used by ${problem.by.join(', ')}; change those first`;
    case 'evaluation-failed':
      return `the rule of "${problem.key}" could not be evaluated (${problem.error}); nothing was saved`;
    case 'manual-rule':
      return problem.manual
        ? `"${problem.key}" is a manual segment: set its members with POST /api/v1/segments/${problem.key}/members, not a rule`
        : 'give a rule, or make the segment manual';
  }
}
