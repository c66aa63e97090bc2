/** taskledger's public API. */
export { openEngine, OpenEngineOptions } from './openEngine';
export { createEngine, Engine, EngineOptions, CommandMethods } from './engine/engine';
export type { CommandOptions } from './engine/handleCommand';
export type { CommandResult } from './engine/commandResult';
export type { HistoryEntry } from './engine/history';
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
