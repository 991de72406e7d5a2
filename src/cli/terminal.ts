// The operator's terminal: whether there is one, and asking it a question.
import { createInterface } from 'node:readline/promises';

// True when a person can answer on stdin (a TTY on stdin and stderr).
export function hasTerminal(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

// Prints a question on stderr and resolves the line typed on stdin.
export async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
