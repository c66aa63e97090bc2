import type { Command as Program } from 'commander';
import { subcommand, withEngine, Register } from './cliContext';
import { list, numberish } from './options';
import { toJson } from './json';
import type { Engine } from '../../engine/engine';

type ListFlags = {
  id?: string[];
  name?: string;
  status?: string[];
  type?: string[];
  project?: string[];
  parent?: string[];
  queue?: string[];
  tags?: string[];
  systemTags?: string[];
  statusChanged?: string[];
  onlyFields?: string[];
  pageSize?: number | string;
  pageToken?: string;
  sortBy?: string;
  /** false with `--no-total`. */
  total?: boolean;
};

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/** The CLI's kebab-case options as the list request's fields (decoded by the engine). */
const listRequest = (flags: ListFlags) => {
  const fields: Record<string, unknown> = {
    id: flags.id,
    name: flags.name,
    status: flags.status,
    type: flags.type,
    project: flags.project,
    parent: flags.parent,
    queue: flags.queue,
    tags: flags.tags,
    system_tags: flags.systemTags,
    status_changed: flags.statusChanged,
    only_fields: flags.onlyFields,
    page_size: flags.pageSize,
    page_token: flags.pageToken,
    sort_by: flags.sortBy,
    count_total: flags.total === false ? false : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
};

const byId = (
  program: Program,
  name: string,
  description: string,
  io: Parameters<Register>[1],
  run: (engine: Engine, id: string) => Promise<unknown>,
) =>
  subcommand(program, name, description)
    .argument('<id>', 'task id')
    .action(async (id: string, _opts: unknown, command: Program) => {
      io.out(toJson(await withEngine(command, (engine) => run(engine, id)), 2) + '\n');
    });

/** Queries served by the read models: `list`, `executions`, `last-metrics`, `tree`, `children`, `ancestors`. */
export const registerReadModelCommands: Register = (program, io) => {
  subcommand(
    program,
    'list',
    'list tasks: ClearML filters, Kubeflow paging ({ tasks, next_page_token, total_size })',
  )
    .option('--id <ids>', 'task ids, comma-separated', list)
    .option('--name <regex>', 'name matches this regular expression')
    .option('--status <statuses>', 'statuses, comma-separated', list)
    .option('--type <types>', 'task types, comma-separated', list)
    .option('--project <projects>', 'projects, comma-separated', list)
    .option('--parent <ids>', 'parent task ids, comma-separated', list)
    .option('--queue <queues>', 'queues, comma-separated', list)
    .option('--tags <tags>', 'any of these tags; -tag excludes', list)
    .option('--system-tags <tags>', 'any of these system tags; -tag excludes', list)
    .option('--status-changed <bound>', 'a bound like ">=2026-01-01" (repeatable)', repeat)
    .option('--only-fields <fields>', 'fields to return, comma-separated (dot paths allowed)', list)
    .option('--page-size <n>', 'tasks per page (default 20, max 200)', numberish)
    .option('--page-token <token>', 'the next_page_token of the previous page')
    .option('--sort-by <sort>', '"field [asc|desc]" (default: created asc)')
    .option('--no-total', 'leave out total_size (counting every match is the slow part of a large list)')
    .action(async (flags: ListFlags, command: Program) => {
      io.out(toJson(await withEngine(command, (engine) => engine.list(listRequest(flags))), 2) + '\n');
    });
  byId(program, 'executions', 'the task’s executions, one per attempt, newest first', io, (engine, id) =>
    engine.executions(id),
  );
  byId(program, 'last-metrics', 'the task’s last metrics per metric and variant', io, (engine, id) =>
    engine.lastMetrics(id),
  );
  byId(
    program,
    'tree',
    'the task’s place in its tree: parent, root, depth, sub-tasks, counts, roll-up',
    io,
    (engine, id) => engine.tree(id),
  );
  byId(program, 'children', 'the task’s direct children', io, (engine, id) => engine.children(id));
  byId(program, 'ancestors', 'the task’s ancestors, parent first', io, (engine, id) => engine.ancestors(id));
};
