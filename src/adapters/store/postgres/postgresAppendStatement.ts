import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { AppendResult, RecordedEvent } from '../../../ports/eventStore';
import type { Settled } from '../groupCommit';
import {
  insertedPlacesOf,
  planAppends,
  plannedRowsJson,
  type PlannedRow,
  type PostgresAppend,
  type StoredState,
} from './postgresAppendPlan';
import { isPostgresUnavailable } from './postgresErrors';

/** An event of a planned append: everything but its position, which only the insert gives. */
export type UnpositionedEvent = Omit<RecordedEvent, 'position'>;

/**
 * Inline read-model writes that ride in the append's own statement, planned before the events
 * are in. `guard` is an SQL condition that must hold when the statement runs (the plan's
 * assumptions about the read models), or the whole statement is undone.
 */
export type InlineStatementPlan = {
  readonly ctes: readonly string[];
  readonly guard: string;
  readonly params: readonly unknown[];
  /** Told once whether the statement committed (false: failed, or its outcome is unknown). */
  settled(committed: boolean): void;
};

/**
 * Plans the writes for events about to be appended, parameters numbered from `firstParam`;
 * undefined when they cannot be planned without reading inside the transaction.
 */
export type PostgresInlineStatement = {
  plan(events: readonly UnpositionedEvent[], firstParam: number): Promise<InlineStatementPlan | undefined>;
};

/**
 * What the flush would find if every caller's expectation were right: the revision each
 * expects, and no event id in use. Only appends that name their revision (or `no_stream`),
 * carry events and touch distinct streams can be planned so; undefined for any other batch.
 * The statement checks the revisions where it inserts, and the unique index the ids.
 */
export const assumedState = (batch: readonly PostgresAppend[]): StoredState | undefined => {
  const lastRevisions = new Map<string, bigint>();
  const streams = new Set<string>();
  for (const { stream, events, expectedRevision } of batch) {
    if (events.length === 0 || streams.has(stream)) return undefined;
    if (typeof expectedRevision === 'bigint') lastRevisions.set(stream, expectedRevision);
    else if (expectedRevision !== 'no_stream') return undefined;
    streams.add(stream);
  }
  return { lastRevisions, used: new Map() };
};

const names = new Map<string, string>();
const MAX_NAMES = 64;

/**
 * Named, a statement is parsed and planned once per connection instead of on every flush. Its
 * text depends only on the schema and on which read-model tables a flush writes, so there are
 * few; the name comes from the text, so stores sharing a pool never give two texts one name.
 */
const statementName = (text: string): string | undefined => {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMES) return known;
  const name = `taskledger_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  names.set(text, name);
  return name;
};

/**
 * One statement that checks the revisions, inserts the rows, notifies and runs the inline
 * writes: autocommitted, so the whole flush costs one round trip.
 */
const oneStatementAppend = (
  schema: string,
  channel: string,
  base: bigint,
  batch: readonly PostgresAppend[],
  rows: readonly PlannedRow[],
  inline: Omit<InlineStatementPlan, 'settled'> | undefined,
) => {
  const expected = batch.map(({ stream, expectedRevision }) => ({
    stream,
    last: typeof expectedRevision === 'bigint' ? expectedRevision.toString() : null,
  }));

  const call = `SELECT * FROM "${schema}".append_planned($1, $2, $3, $4, ${inline?.guard ?? 'true'})`;
  const columns =
    'appended_position::text AS position, appended_stream AS stream_name, appended_revision::text AS revision';
  const text =
    inline === undefined || inline.ctes.length === 0
      ? `SELECT ${columns} FROM (${call}) AS appended`
      : `WITH appended AS (${call}), ${inline.ctes.join(', ')} SELECT ${columns} FROM appended`;
  return {
    name: statementName(text),
    text,
    values: [
      base.toString(),
      JSON.stringify(expected),
      plannedRowsJson(rows),
      channel,
      ...(inline?.params ?? []),
    ],
  };
};

/** Parameters the statement itself takes; an inline plan numbers its own after them. */
const ONE_STATEMENT_PARAMS = 4;

/**
 * The common case in one round trip: appends that name the revision they expect are planned
 * as if it were right, and one autocommitted statement checks that, inserts, notifies and
 * writes the inline read models (planned ahead by `inline`; `unplanned`: a store with inline
 * writes but no planner, which must take the reading path). The append answers undefined when
 * the batch cannot be planned so or the statement refused it (a conflict, a retried append, a
 * lost race, read models that changed): nothing was written, and the paths that read first
 * answer instead.
 */
export const getOneStatementAppend = (args: {
  pool: Pool;
  schema: string;
  channel: string;
  base: () => bigint;
  inline: PostgresInlineStatement | 'none' | 'unplanned';
}) => {
  const { pool, schema, channel, base, inline } = args;
  return async (batch: readonly PostgresAppend[]): Promise<Settled<AppendResult>[] | undefined> => {
    if (inline === 'unplanned') return undefined;
    const assumed = assumedState(batch);
    if (assumed === undefined) return undefined;
    const plan = planAppends(batch, assumed);
    if (plan.rows.length === 0 || plan.outcomes.some((outcome) => !outcome.ok)) return undefined;
    let writes: InlineStatementPlan | undefined;
    if (inline !== 'none') {
      const events = plan.rows.map(({ stream, revision, event }) => ({
        ...event,
        streamName: stream,
        revision,
      }));
      // A plan that fails to build (it would need to read) leaves the flush to the reading path.
      writes = await inline.plan(events, ONE_STATEMENT_PARAMS + 1).catch(() => undefined);
      if (writes === undefined) return undefined;
    }
    let committed = false;
    try {
      const result = await pool.query(oneStatementAppend(schema, channel, base(), batch, plan.rows, writes));
      committed = true;
      return plan.settle(insertedPlacesOf(result.rows), () => 0n);
    } catch (error) {
      // A lost connection leaves the outcome unknown: the callers hear so, nothing is retried.
      if (committed || isPostgresUnavailable(error)) throw error;
      return undefined;
    } finally {
      writes?.settled(committed);
    }
  };
};
