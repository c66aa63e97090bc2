import type { Task } from '../../domain/task';

/** `learning-rate` → `learning_rate`: what a shell variable name may hold. */
export const envName = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

/** The task as a `worker --exec` command sees it: TASK_ID, TASK_NAME, TASK_QUEUE, TASK_PARAM_<name>. */
export const taskEnvironment = (task: Task, workerId: string): Record<string, string> => ({
  TASK_ID: task.id,
  TASK_NAME: task.name,
  TASK_TYPE: task.type,
  TASK_QUEUE: task.queue ?? 'default',
  TASK_WORKER: workerId,
  ...Object.fromEntries(
    Object.entries(task.execution.parameters).map(([name, value]) => [
      `TASK_PARAM_${envName(name)}`,
      String(value),
    ]),
  ),
});
