import { isLeft } from 'fp-ts/Either';
import { userInfo } from 'node:os';
import type { EventStore } from '../ports/eventStore';
import { CommandData, CommandType, commandTypes, decodeCommand, Command } from '../domain/commands';
import { DEFAULT_WORKER_TIMEOUT_MS } from '../domain/liveness';
import { Clock, systemClock } from './clock';
import { getTaskStreams } from './taskStreams';
import { getStreamTaskRelations, TaskRelations } from './taskRelations';
import { handleCommand, CommandOptions, CommandDeps } from './handleCommand';
import type { CommandResult } from './commandResult';
import { getAuditMethods, AuditMethods } from './audit/auditMethods';
import {
  getSubscriptions,
  SubscriptionMethods,
  SubscriptionSettings,
} from './subscriptions/subscriptionMethods';
import { newCommandId } from './eventIds';
import { getQueryMethods, QueryMethods, ReadModelSettings } from './queries/queryMethods';
import { getWorkerMethods, WorkerMethods } from './workers/workerMethods';

export type EngineOptions = {
  readonly store: EventStore;
  readonly clock?: Clock;
  /** Who acts when a command does not say: by default the OS user. */
  readonly actor?: string;
  /** A worker silent for longer than this no longer counts as active (default 600 s). */
  readonly workerTimeoutMs?: number;
  /** How many times a command re-reads and decides again after a conflict (default 5). */
  readonly maxRetries?: number;
  /** Ids for tasks created without one. */
  readonly newTaskId?: () => string;
  readonly relations?: TaskRelations;
  /** Sizes of the status-change subscriptions' buffers and checkpoints. */
  readonly subscriptions?: SubscriptionSettings;
  /** Where the read models live and how they follow the events (openEngine sets this from the store URL). */
  readonly readModels: ReadModelSettings;
};

/**
 * camelCase method names for the snake_case commands; `close` becomes `closeTask` because
 * `close()` shuts the engine down.
 */
type MethodName<K extends string> = K extends 'close'
  ? 'closeTask'
  : K extends `${infer A}_${infer B}`
    ? `${A}${Capitalize<MethodName<B>>}`
    : K;
export type CommandMethods = {
  [K in CommandType as MethodName<K>]: (
    data: CommandData<K>,
    options?: CommandOptions,
  ) => Promise<CommandResult>;
};

export type Engine = CommandMethods &
  QueryMethods &
  AuditMethods &
  SubscriptionMethods &
  WorkerMethods & {
    /** Runs any command given by name, decoding its data first (for CLIs and HTTP). */
    execute(type: string, data: unknown, options?: CommandOptions): Promise<CommandResult>;
    close(): Promise<void>;
  };

const osUser = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

const methodName = (type: string) =>
  type === 'close' ? 'closeTask' : type.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Builds the engine over an opened store. `openEngine` in the package root also opens stores by URL. */
export const createEngine = (options: EngineOptions): Engine => {
  const { store, clock = systemClock } = options;
  const streams = getTaskStreams(store);
  let lastOwnPosition = 0n;
  const queries = getQueryMethods(store, options.readModels, () => lastOwnPosition);
  const streamRelations = getStreamTaskRelations(store, streams);
  const deps: CommandDeps = {
    store,
    streams,
    relations: options.relations ?? { ...streamRelations, publishedChildren: queries.publishedChildren },
    now: () => clock().toISOString(),
    defaultActor: options.actor ?? osUser(),
    workerTimeoutMs: options.workerTimeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 5,
  };
  const newTaskId = options.newTaskId ?? newCommandId;
  const subscriptions = getSubscriptions(
    { store, now: deps.now, loadTask: async (id) => (await streams.load(id)).state },
    options.subscriptions,
  );

  const execute = async (type: string, data: unknown, commandOptions?: CommandOptions) => {
    const decoded = decodeCommand({ type, data });
    if (isLeft(decoded)) throw decoded.left;
    const command: Command =
      decoded.right.type === 'create' && decoded.right.data.id === undefined
        ? { type: 'create', data: { ...decoded.right.data, id: newTaskId() } }
        : decoded.right;
    await queries.ready();
    const result = await handleCommand(deps, command, commandOptions);
    if (result.position > lastOwnPosition) lastOwnPosition = result.position;
    queries.appended();
    return result;
  };

  const methods = Object.fromEntries(
    commandTypes.map((type) => [
      methodName(type),
      (data: unknown, o?: CommandOptions) => execute(type, data, o),
    ]),
  ) as CommandMethods;
  const workers = getWorkerMethods({
    engine: { ...methods, ...queries.methods, ...subscriptions.methods },
    loadTask: async (id) => {
      const { state, revision } = await streams.load(id);
      return { state, revision };
    },
    lastSeenTask: (id) => {
      const seen = streams.cached(id);
      return seen === undefined ? undefined : { state: seen.state, revision: seen.revision };
    },
    clock,
  });

  return {
    ...methods,
    execute,
    ...queries.methods,
    ...getAuditMethods(store, { beforeAppend: () => queries.ready() }),
    ...subscriptions.methods,
    ...workers.methods,
    close: async () => {
      await workers.close();
      await subscriptions.close();
      await queries.close();
      await store.close();
    },
  };
};
