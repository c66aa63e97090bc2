import { SingleBar, Presets } from 'cli-progress';
import { createEngine } from '../../../engine/engine';
import { manualClock } from '../../../engine/clock';
import type { Storage } from '../../storage/openStorage';
import type { Task } from '../../../domain/task';
import { seededRandom } from './random';
import { runPipeline, Outcome } from './workload';
import { historyTable } from '../historyTable';
import { toJson } from '../json';
import type { Io } from '../io';

export type DemoOptions = {
  pipelines: number;
  seed: number;
  json: boolean;
  concurrency: number;
  progress: boolean;
};

/**
 * The demo behind `npm start`: pipelines of training steps queued, run by workers, reporting
 * metrics and progress, some failing, stopped, reset and re-run, or published, then a summary
 * and one task's history.
 */
export const runDemo = async (storage: Storage, options: DemoOptions, io: Io) => {
  const { store } = storage;
  const clock = manualClock(new Date());
  const engine = createEngine({ store, clock, actor: 'demo', readModels: storage });
  const random = seededRandom(options.seed);
  const prefix = `demo${Date.now().toString(36)}`;
  const bar =
    options.progress && !options.json
      ? new SingleBar(
          { format: 'demo |{bar}| {value}/{total} pipelines  {commands} commands', hideCursor: true },
          Presets.shades_classic,
        )
      : undefined;
  let commands = 0;
  let done = 0;
  bar?.start(options.pipelines, 0, { commands });
  const started = process.hrtime.bigint();
  const hooks = { advance: (ms: number) => clock.advance(ms), onCommand: () => void commands++ };

  const outcomes: Outcome[][] = [];
  let nextPipeline = 0;
  const lane = async () => {
    while (nextPipeline < options.pipelines) {
      const index = nextPipeline++;
      outcomes[index] = await runPipeline(engine, prefix, index, seededRandom(random.int(0, 2 ** 31)), hooks);
      bar?.update(++done, { commands });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  bar?.stop();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const tasks: Task[] = [];
  for (let i = 0; i < options.pipelines; i++) {
    tasks.push(await engine.get(`${prefix}-pipeline-${i}`));
    for (let s = 0; s < (outcomes[i]?.length ?? 0); s++)
      tasks.push(await engine.get(`${prefix}-step-${i}-${s}`));
  }
  const byStatus: Record<string, number> = {};
  for (const task of tasks) byStatus[task.status] = (byStatus[task.status] ?? 0) + 1;
  const rerunIndex = outcomes.findIndex((o) => o.includes('rerun'));
  const shown =
    rerunIndex >= 0
      ? `${prefix}-step-${rerunIndex}-${outcomes[rerunIndex]?.indexOf('rerun')}`
      : `${prefix}-step-0-0`;
  const history = await engine.history(shown);
  const summary = {
    tasks: tasks.length,
    byStatus,
    resetAndRerun: outcomes.flat().filter((o) => o === 'rerun').length,
    commands,
    seconds: Number(seconds.toFixed(2)),
    commandsPerSecond: Math.round(commands / seconds),
  };
  await engine.close();

  if (options.json) {
    io.out(toJson({ summary, task: shown, history }) + '\n');
    return;
  }
  io.out(
    [
      '',
      `taskledger demo: ${summary.tasks} tasks in ${options.pipelines} pipelines, ${commands} commands in ${summary.seconds} s (${summary.commandsPerSecond}/s)`,
      `by status: ${Object.entries(byStatus)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
      `reset and re-run: ${summary.resetAndRerun}`,
      '',
      `history of ${shown}:`,
      historyTable(history),
      '',
      `Try: npx taskledger get ${shown}    npx taskledger history ${shown}`,
      '',
    ].join('\n'),
  );
};
