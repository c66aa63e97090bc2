/** A progress report waiting for the next flush. */
export type PendingProgress = { readonly percentage: number; readonly step?: string };

/**
 * Progress held until the next flush. Bare percentages coalesce (only the latest matters: the
 * task keeps one `progress_percentage`); a completed step is never merged away, because each
 * one is recorded in `sub_steps`.
 */
export const getProgressBuffer = () => {
  let pending: PendingProgress[] = [];

  const add = (percentage: number, step?: string) => {
    const last = pending[pending.length - 1];
    const entry = step === undefined ? { percentage } : { percentage, step };
    if (step === undefined && last !== undefined && last.step === undefined)
      pending[pending.length - 1] = entry;
    else pending.push(entry);
  };

  const take = (): PendingProgress[] => {
    const taken = pending;
    pending = [];
    return taken;
  };

  return { add, take };
};
