import type { Engine } from '../../../engine/engine';
import { seededRandom } from './random';

/**
 * What each task runs (`worker --exec`): a few steps reporting a loss and progress, failing when
 * its `fail` parameter says so. Plain sh, so the demo needs nothing but Node.
 */
export const STEP_SCRIPT = `steps=\${TASK_PARAM_steps:-5}
i=1
while [ $i -le $steps ]; do
  echo "metric loss train $((1000 / i)) $i"
  echo "progress $((i * 100 / steps))"
  sleep \${TASK_PARAM_pause:-0.05}
  i=$((i + 1))
done
if [ "$TASK_PARAM_fail" = "true" ]; then echo "CUDA out of memory at step $steps" >&2; exit 1; fi
echo "done: $TASK_NAME"
`;

export type DemoRun = {
  readonly runId: string;
  readonly project: string;
  readonly queue: string;
  readonly ids: readonly string[];
  readonly longTask: string;
};

/**
 * This run's tasks, queued: short training steps (about one in twelve fails) and one long task
 * the demo will ask to stop. A project and queue of its own keep runs apart in a shared file.
 */
export const queueDemoTasks = async (engine: Engine, count: number, seed: number): Promise<DemoRun> => {
  const random = seededRandom(seed);
  const runId = `wd${Date.now().toString(36)}`;
  const project = `workers-demo-${runId}`;
  const queue = `demo-${runId}`;
  const longTask = `${runId}-long`;
  const ids = [
    ...Array.from({ length: count }, (_, i) => `${runId}-${String(i).padStart(4, '0')}`),
    longTask,
  ];
  const create = async (id: string) => {
    const long = id === longTask;
    await engine.create({
      id,
      name: long ? 'long-training' : `step-${id.slice(-4)}`,
      type: 'training',
      project,
      parameters: long
        ? { steps: 400, pause: 0.05 }
        : { steps: random.int(2, 8), fail: random.chance(1 / 12) },
    });
    await engine.enqueue({ id, queue });
  };
  // The long one first: it is claimed early, so there is time to stop it.
  await create(longTask);
  for (let i = 0; i < count; i += 25) await Promise.all(ids.slice(i, Math.min(i + 25, count)).map(create));
  return { runId, project, queue, ids, longTask };
};
