/** Where the CLI writes: injectable so tests can run it in-process too. */
export type Io = { out(text: string): void; err(text: string): void; isTerminal: boolean };

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  get isTerminal() {
    return process.stdout.isTTY === true;
  },
};
