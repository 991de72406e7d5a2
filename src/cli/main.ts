// The commander program: registers the commands, runs one, and maps any error to an exit code
// (the one place where errors become exit codes, DESIGN §2).
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { CleanslateError, EXIT_CODES, exitCodeForError, type ExitCode } from '../errors/index.js';
import { registerAudit } from './commands/audit.js';
import { registerCert } from './commands/cert.js';
import { registerCertRender } from './commands/cert-render.js';
import { registerDevices } from './commands/devices.js';
import { registerKeys } from './commands/keys.js';
import { registerLedger } from './commands/ledger.js';
import { registerMethods } from './commands/methods.js';
import { registerGate } from './commands/gate.js';
import { registerScan } from './commands/scan.js';
import { registerWipe } from './commands/wipe.js';
import type { CommandContext } from './context.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

const EXIT_HELP = `
Exit codes:
${EXIT_CODES.map((e) => `  ${String(e.code).padStart(3)}  ${e.meaning}`).join('\n')}

Environment:
  CLEANSLATE_HOME   state directory (default /var/lib/cleanslate as root, else $XDG_STATE_HOME/cleanslate)
  CLEANSLATE_LEDGER fleet ledger URL (postgres://...) for wipe, gate, audit verify|ship and ledger
  NO_COLOR          no colour in progress output`;

// Prints an error as "cleanslate: <target>: <step>: <message>" on stderr, on one line: control
// characters (a newline in a file name or in a hostile file's content) are escaped as in JSON.
export function printError(error: Error): void {
  const text = error instanceof CleanslateError ? error.describe() : error.message;
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  process.stderr.write(`cleanslate: ${line}\n`);
}

// The JSON document of an option-parser error (commander has already printed it on stderr).
function printUsageErrorJson(error: CommanderError): void {
  const message = error.message.replace(/^error: /, '');
  const usage = new CleanslateError('ERR_USAGE', message, { step: 'options' });
  process.stdout.write(`${JSON.stringify({ error: usage.toJSON() }, null, 2)}\n`);
}

// Builds the program with every command registered.
export function buildProgram(context: CommandContext): Command {
  const program = new Command('cleanslate')
    .description('Clear returned storage volumes, verify and scan them, and prove it.')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // usage errors carry the same prefix as every other error line
      outputError: (s, write) => write(`cleanslate: ${s}`),
    });
  registerDevices(program);
  registerMethods(program);
  registerWipe(program, context);
  registerScan(program, context);
  registerGate(program, context);
  registerKeys(program);
  registerCertRender(registerCert(program, context));
  registerAudit(program, context);
  registerLedger(program, context);
  for (const command of program.commands) command.exitOverride();
  return program;
}

// Runs the CLI with argv and resolves the exit code; never throws.
export async function main(argv: string[] = process.argv): Promise<ExitCode> {
  const controller = new AbortController();
  let exitCode: ExitCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`cleanslate: ${signal} received, stopping at the next chunk boundary\n`);
    controller.abort(new CleanslateError('ERR_INTERRUPTED', `interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const context: CommandContext = {
    signal: controller.signal,
    setExitCode: (code) => {
      exitCode = code;
    },
    printError,
  };
  try {
    await buildProgram(context).parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error (2)
      if (error.exitCode === 0) return 0;
      // --json promises one JSON document on stdout, also when the options themselves are wrong
      if (argv.includes('--json')) printUsageErrorJson(error);
      return 2;
    }
    printError(error instanceof Error ? error : new Error(String(error)));
    return exitCodeForError(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
