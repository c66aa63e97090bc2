/** The engine's only source of time: injected so tests move time instead of sleeping. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock a test can move. */
export const manualClock = (start: Date | string = '2026-01-01T00:00:00.000Z') => {
  let now = new Date(start).getTime();
  const clock: Clock & { advance(ms: number): void; set(at: Date | string): void } = Object.assign(
    () => new Date(now),
    {
      advance: (ms: number) => {
        now += ms;
      },
      set: (at: Date | string) => {
        now = new Date(at).getTime();
      },
    },
  );
  return clock;
};
