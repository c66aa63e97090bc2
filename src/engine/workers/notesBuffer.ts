/** The most one flush carries: a chatty handler keeps its latest lines, not all of them. */
export const MAX_NOTE_CHARS = 16_000;

/**
 * `log` and `warn` lines held until the next flush, then recorded together as one reason of the
 * current execution (Flyte's reasons: notable events of an attempt, with their time). Lines
 * beyond MAX_NOTE_CHARS per flush are dropped oldest first, and the drop is said.
 */
export const getNotesBuffer = () => {
  let lines: string[] = [];
  let chars = 0;
  let dropped = 0;

  const add = (line: string) => {
    lines.push(line);
    chars += line.length + 1;
    while (chars > MAX_NOTE_CHARS && lines.length > 1) {
      chars -= (lines.shift() ?? '').length + 1;
      dropped++;
    }
  };

  /** The buffered lines as one text, or undefined when there are none. */
  const take = (): string | undefined => {
    if (lines.length === 0) return undefined;
    const text = (dropped > 0 ? [`… ${dropped} earlier lines dropped`, ...lines] : lines).join('\n');
    lines = [];
    chars = 0;
    dropped = 0;
    return text.length > MAX_NOTE_CHARS ? text.slice(text.length - MAX_NOTE_CHARS) : text;
  };

  return { add, take };
};
