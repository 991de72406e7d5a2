// Prints exactly one JSON document on stdout (the --json contract of DESIGN §1).
export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
