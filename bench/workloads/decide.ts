import { runChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import { Workload } from '../lib/workload';

/** The pure decision: µs per `decide` over a mix of 13 commands (one refused), in its own process. */
export const decide: Workload = {
  name: 'decide',
  description: 'src/domain/decide.ts: µs per decision over a mix of lifecycle, report and refused commands',
  run: async (ctx) => {
    const { result } = await runChild<{ perDecision: number[]; commands: number }>('decideChild.ts', {
      iterations: ctx.sizes.decideIterations,
      runs: ctx.runs,
    });
    ctx.emit(
      figureOf(
        { name: 'decide', store: 'none', unit: 'µs/decision', note: `${ctx.sizes.decideIterations} decisions per run over ${result.commands} commands` },
        result.perDecision,
      ),
    );
  },
};
