/** taskledger's public API. */
export { openEngine, OpenEngineOptions } from './openEngine';
export { createEngine, Engine, EngineOptions, CommandMethods } from './engine/engine';
export type { CommandOptions } from './engine/handleCommand';
export type { CommandResult } from './engine/commandResult';
export type { HistoryEntry } from './engine/history';
export type { AuditMethods } from './engine/audit/auditMethods';
export type { HistoryQueryInput } from './engine/audit/historyQuery';
export type { StateAtQuery } from './engine/audit/stateAt';
export type {
  VerifyReport,
  VerifyBreak,
  VerifyOptions,
  VerifyProgress,
  ForcedTransition,
} from './engine/audit/verify';
export type { AuditProblem } from './engine/audit/streamAudit';
export type { ExportOptions } from './engine/audit/exportHistory';
export type { ImportResult } from './engine/audit/importHistory';
export type { SubscribeOptions } from './engine/subscriptions/subscribeOptions';
export type { SubscriptionSettings, SubscriptionMethods } from './engine/subscriptions/subscriptionMethods';
export type {
  SubscriptionItem,
  StatusChangeItem,
  TaskEventItem,
  CaughtUpItem,
} from './engine/subscriptions/subscriptionItem';
export type { WorkerMethods } from './engine/workers/workerMethods';
export type { Worker, WorkerStats } from './engine/workers/worker';
export type { WorkerOptions, OnClose } from './engine/workers/workerOptions';
export type { TaskContext, TaskHandler, MetricInput } from './engine/workers/taskContext';
export { TaskAborted, AbortWhy } from './engine/workers/abortReason';
export type { Watchdog, WatchdogReport } from './engine/watchdog/watchdog';
export type { WatchdogOptions } from './engine/watchdog/watchdogOptions';
export { manualClock, systemClock, Clock } from './engine/clock';
export { openEventStore } from './adapters/store/openEventStore';
export type { EventStore, RecordedEvent, EventToAppend, SubscriptionMessage } from './ports/eventStore';
export type { ExpectedRevision } from './ports/expectedRevision';
export { TaskledgerError, ErrorCode, isTaskledgerError } from './domain/errors';
export { Task, TaskType } from './domain/task';
export { Status, statuses } from './domain/status';
export { Command, CommandType, CommandData, commandTypes } from './domain/commands';
export { TaskEvent, TaskEventType, EventMetadata } from './domain/events';
export { taskMachine } from './domain/machine';
export { toMermaid } from './domain/mermaid';
export { decide } from './domain/decide';
export { evolve, fold } from './domain/evolve';
