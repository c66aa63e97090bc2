/**
 * Ends a command with a non-zero exit code after it has printed its answer: `verify` exits 1
 * when the log is broken, though nothing went wrong in running it, so no error is printed.
 */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
