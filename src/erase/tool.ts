// Running the vendor tools of the hardware backends (nvme-cli, hdparm, sg3_utils) through exec/:
// one session per probe or erase records every command (secrets masked) and maps "not installed".
import { runCommand, type RunResult } from '../exec/index.js';
import { CleanslateError } from '../errors/index.js';

/** An external program a backend drives, and the package that provides it. */
export interface ExternalTool {
  command: string;
  packageName: string;
  install: string;
}

// The tools of the hardware backends and how to install them (Debian/Ubuntu package names).
export const TOOLS = {
  nvme: { command: 'nvme', packageName: 'nvme-cli', install: 'apt-get install nvme-cli' },
  hdparm: { command: 'hdparm', packageName: 'hdparm', install: 'apt-get install hdparm' },
  sg_inq: { command: 'sg_inq', packageName: 'sg3_utils', install: 'apt-get install sg3-utils' },
  sg_opcodes: { command: 'sg_opcodes', packageName: 'sg3_utils', install: 'apt-get install sg3-utils' },
  sg_sanitize: { command: 'sg_sanitize', packageName: 'sg3_utils', install: 'apt-get install sg3-utils' },
  sg_requests: { command: 'sg_requests', packageName: 'sg3_utils', install: 'apt-get install sg3-utils' },
} as const satisfies Record<string, ExternalTool>;

export type ToolName = keyof typeof TOOLS;

/** Shown instead of a secret (the temporary ATA password) in commands, messages and evidence. */
export const MASK = '********';

/** Read commands finish in seconds; give a slow or busy drive a minute. */
export const READ_TIMEOUT_MS = 60_000;

export interface ToolRunOptions {
  /** Kill the tool after this long. @default READ_TIMEOUT_MS */
  timeoutMs?: number;
  /** Cancels the tool (reads only: a command that erases is never cancelled half-way). */
  signal?: AbortSignal;
  /** The step named in errors ("probe", "sanitize", "poll"). */
  step: string;
}

// Runs the tools of one probe or erase and keeps the list of commands run, secrets masked.
export class ToolSession {
  private readonly ran: string[] = [];
  private readonly counts: number[] = [];
  private readonly secrets: string[] = [];

  constructor(readonly target: string) {}

  /** Remembers a value that must never appear in commands, messages or evidence. */
  addSecret(secret: string): void {
    this.secrets.push(secret);
  }

  // Replaces every secret in text with MASK.
  mask(text: string): string {
    return this.secrets.reduce((masked, secret) => masked.split(secret).join(MASK), text);
  }

  /** Commands run, argv joined and masked; a command repeated back to back (polling) is listed once with "(×N)". */
  get commands(): string[] {
    return this.ran.map((command, i) => ((this.counts[i] ?? 1) > 1 ? `${command} (×${this.counts[i]})` : command));
  }

  // Runs one tool; resolves its result whatever the exit code, rejects with a CleanslateError otherwise.
  async run(tool: ToolName, args: readonly string[], options: ToolRunOptions): Promise<RunResult> {
    const spec = TOOLS[tool];
    const display = this.mask([spec.command, ...args].join(' '));
    this.record(display);
    try {
      return await runCommand(spec.command, args, {
        timeoutMs: options.timeoutMs ?? READ_TIMEOUT_MS,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw this.mapFailure(error, spec, display, options);
    }
  }

  // Describes a non-zero exit in one line: "nvme id-ctrl /dev/nvme0 -o json exited 1: ..." (masked).
  describeExit(tool: ToolName, args: readonly string[], result: RunResult): string {
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' ');
    return this.mask(`${[TOOLS[tool].command, ...args].join(' ')} exited ${result.exitCode}${said ? `: ${said}` : ''}`);
  }

  // Counts a command; a poll repeated back to back stays one entry.
  private record(display: string): void {
    const last = this.ran.length - 1;
    if (last >= 0 && this.ran[last] === display) this.counts[last] = (this.counts[last] ?? 1) + 1;
    else {
      this.ran.push(display);
      this.counts.push(1);
    }
  }

  // Maps a tool that could not run: not installed, cancelled, killed by timeout.
  private mapFailure(error: unknown, spec: ExternalTool, display: string, options: ToolRunOptions): CleanslateError {
    const where = { target: this.target, step: options.step, cause: error };
    const cause = (error as { cause?: { code?: string; timedOut?: boolean } }).cause;
    if (cause?.code === 'ENOENT') {
      return new CleanslateError(
        'ERR_ERASE_UNSUPPORTED',
        `${spec.packageName} is not installed (${spec.install})`,
        where,
      );
    }
    if (options.signal?.aborted) {
      return new CleanslateError('ERR_INTERRUPTED', `interrupted while running ${display}`, where);
    }
    if (cause?.timedOut) {
      const seconds = Math.round((options.timeoutMs ?? READ_TIMEOUT_MS) / 1000);
      return new CleanslateError('ERR_ERASE_TIMEOUT', `${display} did not finish within ${seconds} s`, where);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new CleanslateError('ERR_ERASE_FAILED', `${display} could not run: ${this.mask(message)}`, where);
  }
}
