// Prints exactly one JSON document on stdout (the --json contract of DESIGN §1).
import { CleanslateError, exitCodeForError } from '../../errors/index.js';

export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

// Runs a command's work; with --json, a failure still leaves one JSON document on stdout
// ({...context, error}) before the error goes on to the exit-code map (and stderr).
export async function withJsonError<T>(
  json: boolean | undefined,
  context: Record<string, unknown>,
  run: () => Promise<T> | T,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (json) {
      const err =
        error instanceof CleanslateError
          ? error.toJSON()
          : { code: 'ERR_INTERNAL', exitCode: exitCodeForError(error), message: (error as Error).message };
      printJson({ ...context, error: err });
    }
    throw error;
  }
}
