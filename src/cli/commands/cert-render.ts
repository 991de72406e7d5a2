// `cleanslate cert render CERT --format pdf|html [-o FILE] [--org NAME]`: a page a person signs
// off, from a certificate file. Renders only: the signature is checked by `cert verify`.
import { Option, type Command } from 'commander';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  parseCertificate,
  safeFileStem,
  MAX_CERTIFICATE_BYTES,
  MISSING,
  type ParsedCertificate,
} from '../../cert/render-model.js';
import { CleanslateError } from '../../errors/index.js';

type RenderFormat = 'pdf' | 'html';

interface RenderCommandOptions {
  format: RenderFormat;
  output?: string;
  org?: string;
}

const HELP = `
The page shows the organisation, the media, the NIST SP 800-88 method and every pass, the
verification and residual-scan results, the times, the operator, tenant and volume, the signing
key id, the certificate id, a QR code of "cleanslate:v1:<certificateId>:<result>:<sha256 of the
signed payload>", and lines to sign. The PDF carries the certificate file as an attachment
(pdfdetach -saveall extracts it); the HTML embeds it in <script id="certificate">.

Rendering does NOT verify the signature: run "cleanslate cert verify CERT --pubkey KEY.pem" for that.

Examples:
  cleanslate cert render 0b6f…-9c1e.cert.json                  # writes 0b6f…-9c1e.pdf next to it
  cleanslate cert render cert.json --format html -o cert.html --org "Example Cloud Ltd"

Exit status: 0 written, 2 unreadable or malformed certificate file, 4 output not writable.`;

// Reads at most MAX_CERTIFICATE_BYTES (+1 to notice a larger file) of a certificate file.
async function readCertificateFile(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(MAX_CERTIFICATE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0 || (length += bytesRead) === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CleanslateError('ERR_CERT_MALFORMED', `cannot read the certificate file (${reason})`, {
      target: path,
      step: 'cert render',
      cause: error,
    });
  } finally {
    await handle?.close();
  }
}

// parseCertificate, with the file named in the error.
function parseWithTarget(file: Buffer, path: string): ParsedCertificate {
  try {
    return parseCertificate(file);
  } catch (error) {
    if (!(error instanceof CleanslateError)) throw error;
    throw new CleanslateError(error.code, error.message, { target: path, step: error.step, cause: error.cause });
  }
}

// Where the page goes by default: `<certificateId>.pdf|.html` in the certificate's folder.
export function defaultRenderPath(certPath: string, certificateId: string, format: RenderFormat): string {
  const stem =
    certificateId !== MISSING ? safeFileStem(certificateId) : basename(certPath).replace(/(\.cert)?\.json$/i, '');
  return join(dirname(certPath), `${stem || 'certificate'}.${format}`);
}

// Writes the output through a temporary file and a rename, so a reader never sees half a page.
async function writeOutput(path: string, data: Buffer | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, data, { flag: 'wx', mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CleanslateError('ERR_IO', `cannot write the rendered certificate: ${(error as Error).message}`, {
      target: path,
      step: 'cert render',
      cause: error,
    });
  }
}

// Adds `render` to the `cert` command (cert.ts calls this).
export function registerCertRender(cert: Command): void {
  cert
    .command('render')
    .description('render a certificate as a one-page PDF or HTML to sign off (does not verify it)')
    .argument('<cert>', 'certificate file (<certificateId>.cert.json)')
    .addOption(new Option('--format <format>', 'output format').choices(['pdf', 'html']).default('pdf'))
    .option('-o, --output <file>', 'output file, "-" for stdout (default: <certificateId>.<format> next to CERT)')
    .option('--org <name>', 'organisation named on the page (default: from the certificate, else its host)')
    .addHelpText('after', HELP)
    .action(async (certPath: string, options: RenderCommandOptions) => {
      const cert = parseWithTarget(await readCertificateFile(certPath), certPath);
      const renderOptions = { organisation: options.org };
      const data =
        options.format === 'html'
          ? (await import('../../cert/render-html.js')).renderCertificateHtml(cert, renderOptions)
          : // loaded only here: pdfkit is large, and no other command needs it
            await (await import('../../cert/render-pdf.js')).renderCertificatePdf(cert, renderOptions);
      const predicate = cert.statement.predicate as Record<string, unknown>;
      const id = typeof predicate.certificateId === 'string' ? predicate.certificateId : MISSING;
      process.stderr.write(
        'cleanslate: note: rendering does not verify the signature; run "cleanslate cert verify" for that\n',
      );
      if (options.output === '-') {
        process.stdout.write(data);
        return;
      }
      const output = options.output ?? defaultRenderPath(certPath, id, options.format);
      await writeOutput(output, data);
      process.stdout.write(`${output}\n`);
    });
}
