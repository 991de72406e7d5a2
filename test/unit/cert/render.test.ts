// cert render: the display model, the QR summary, the PDF (checked with poppler-utils) and the HTML.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { canonicalJson } from '../../../src/devices/canonical-json.js';
import {
  buildCertificateView,
  formatSize,
  formatTime,
  MISSING,
  parseCertificate,
  qrMatrix,
  qrSummary,
} from '../../../src/cert/render-model.js';
import { renderCertificatePdf } from '../../../src/cert/render-pdf.js';
import { escapeScriptJson, renderCertificateHtml } from '../../../src/cert/render-html.js';
import { defaultRenderPath, registerCertRender } from '../../../src/cli/commands/cert-render.js';
import { CleanslateError } from '../../../src/errors/index.js';

const HOSTILE = '</script><script>alert(1)</script>';
const CERT_ID = '7d1c2f0e-4b7a-4c1e-9a55-3f0e2b9d6a11';
const KEY_ID = 'sha256:4f2a9c1d7e3b5a6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';

function predicate(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certificateId: CERT_ID,
    issuedAt: '2026-11-23T04:41:07Z',
    signingKeyId: KEY_ID,
    tool: { name: 'cleanslate', version: '0.1.0' },
    host: 'wipe-host-07.dc1.example',
    standard: 'NIST SP 800-88 Rev. 1',
    operator: { name: 'Jane Operator', title: 'Storage technician', organization: null },
    validator: { name: null, title: null, organization: null },
    tenant: 'tenant-4711',
    volumeId: 'vol-0a1b2c3d4e5f',
    media: {
      path: '/dev/sdb',
      model: 'SAMSUNG MZ7LH960HAJR',
      serial: 'S45NNE0M812345',
      wwn: '0x5002538e40a1b2c3',
      sizeBytes: 960197124096,
      logicalBlockSize: 512,
      transport: 'sata',
    },
    sanitization: {
      methodType: 'clear',
      technique: 'overwrite',
      method: 'dod-short',
      methodLabel: 'DoD 5220.22-M short',
      methodSource: 'passes 1, 2, 7 (nwipe src/method.c)',
      methodDetails:
        'DoD 5220.22-M short [dod-short] (passes 1, 2, 7 (nwipe src/method.c)): 3 passes: random byte 0x5a, complement 0xa5, aes-256-ctr; verify last; sample residual scan',
      passes: [
        {
          pattern: 'random-byte 0x5a',
          bytes: 960197124096,
          startedAt: '2026-11-23T01:00:00Z',
          endedAt: '2026-11-23T02:10:11Z',
        },
        {
          pattern: 'complement 0xa5',
          bytes: 960197124096,
          startedAt: '2026-11-23T02:10:11Z',
          endedAt: '2026-11-23T03:20:30Z',
        },
        {
          pattern: 'aes-256-ctr stream',
          bytes: 960197124096,
          startedAt: '2026-11-23T03:20:30Z',
          endedAt: '2026-11-23T04:30:02Z',
        },
      ],
      seedCommitment: 'sha256:9b74c9897bac770ffc029102a200c5de',
    },
    verification: {
      mode: 'last',
      method: 'read back every block after the last pass and compare it with the expected pattern',
      bytesRead: 960197124096,
      mismatches: 0,
      claim: null,
    },
    residualScan: {
      mode: 'sample',
      bytesScanned: 4294967296,
      samples: 1024,
      claim: '99% sure to catch a residue covering 0.1% of the device',
      findings: {},
      residueBlocks: 0,
      result: 'clean',
    },
    postSanitization: { destination: 'reuse' },
    finalState: { expect: 'random:seed', sampleDigest: 'sha256:00ff' },
    result: 'PASS',
    audit: { seq: 42, entryHash: 'sha256:c0ffee' },
    ...overrides,
  };
}

// A DSSE envelope around an in-toto Statement, with a dummy signature (rendering does not verify).
function envelopeFile(pred: Record<string, unknown>): Buffer {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'urn:cleanslate:device:S45NNE0M812345', digest: { sha256: 'ab'.repeat(32) } }],
    predicateType: 'https://cleanslate.dev/sanitization/v1',
    predicate: pred,
  };
  const envelope = {
    payloadType: 'application/vnd.in-toto+json',
    payload: Buffer.from(canonicalJson(statement)).toString('base64'),
    signatures: [{ keyid: KEY_ID, sig: Buffer.alloc(64, 7).toString('base64') }],
  };
  return Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'cleanslate-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

describe('render model', () => {
  test('formats sizes and times', () => {
    expect(formatSize(960197124096)).toBe('960.20 GB / 894.25 GiB (960,197,124,096 bytes)');
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(undefined)).toBe(MISSING);
    expect(formatTime('2026-11-23T04:41:07Z')).toBe('2026-11-23 04:41:07 UTC');
    expect(formatTime('yesterday')).toBe('yesterday');
  });

  test('the QR summary binds id, result and the payload digest', () => {
    const file = envelopeFile(predicate());
    const cert = parseCertificate(file);
    const digest = createHash('sha256')
      .update(Buffer.from(JSON.parse(file.toString()).payload, 'base64'))
      .digest('hex');
    const view = buildCertificateView(cert);
    expect(view.payloadDigest).toBe(digest);
    expect(view.qrText).toBe(`cleanslate:v1:${CERT_ID}:PASS:${digest}`);
    expect(qrSummary(MISSING, MISSING, digest)).toBe(`cleanslate:v1::UNKNOWN:${digest}`);
    expect(qrSummary('a:b', 'FAIL', digest)).toBe(`cleanslate:v1:a%3Ab:FAIL:${digest}`);
    // a QR symbol of version v has 17 + 4v modules a side, with the three finder patterns' corners dark
    expect((view.qr.size - 17) % 4).toBe(0);
    expect(view.qr.modules.length).toBe(view.qr.size ** 2);
    const dark = (r: number, c: number) => view.qr.modules[r * view.qr.size + c];
    expect([dark(0, 0), dark(0, view.qr.size - 1), dark(view.qr.size - 1, 0)]).toEqual([1, 1, 1]);
    expect(qrMatrix(view.qrText)).toEqual(view.qr);
  });

  test('every field may be missing', () => {
    const view = buildCertificateView(parseCertificate(envelopeFile({})));
    expect(view.certificateId).toBe(MISSING);
    expect(view.result).toBe(MISSING);
    expect(view.media.fields.every((f) => f.value === MISSING)).toBe(true);
    expect(view.passes).toEqual([]);
    expect(view.attachmentName).toBe('certificate.cert.json');
    expect(view.signature.fields.find((f) => f.label === 'Signing key ID')?.value).toBe(KEY_ID);
  });

  test('--org wins over the host; the host is the default', () => {
    const cert = parseCertificate(envelopeFile(predicate()));
    expect(buildCertificateView(cert).organisation).toBe('wipe-host-07.dc1.example');
    expect(buildCertificateView(cert, { organisation: 'Example Cloud Ltd' }).organisation).toBe('Example Cloud Ltd');
  });

  test.for([
    ['not JSON', Buffer.from('hello')],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x00])],
    ['an array', Buffer.from('[]')],
    ['wrong payload type', Buffer.from(JSON.stringify({ payloadType: 'text/plain', payload: '', signatures: [] }))],
    [
      'payload not base64',
      Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: '%%%', signatures: [] })),
    ],
    [
      'payload without predicate',
      Buffer.from(
        JSON.stringify({
          payloadType: 'application/vnd.in-toto+json',
          payload: Buffer.from('{"a":1}').toString('base64'),
          signatures: [],
        }),
      ),
    ],
    [
      'bad signatures',
      Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: '', signatures: [1] })),
    ],
    ['deeply nested', Buffer.from(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)],
    ['huge', Buffer.alloc(2 * 1024 * 1024, 0x20)],
  ] as const)('a file that is %s is malformed (exit 2)', ([, file]) => {
    let caught: unknown;
    try {
      parseCertificate(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CleanslateError);
    expect((caught as CleanslateError).code).toBe('ERR_CERT_MALFORMED');
    expect((caught as CleanslateError).exitCode).toBe(2);
  });
});

describe('PDF', () => {
  const file = envelopeFile(predicate({ operator: { name: `Jane ${HOSTILE}`, title: null, organization: null } }));
  const certPath = join(work, `${CERT_ID}.cert.json`);
  writeFileSync(certPath, file);
  const pdfPath = join(work, `${CERT_ID}.pdf`);
  const rendered = renderCertificatePdf(parseCertificate(file), { organisation: 'Example Cloud Ltd' }).then((pdf) => {
    writeFileSync(pdfPath, pdf);
    return pdf;
  });

  test('is one A4 page with the fields as text', async () => {
    await rendered;
    const info = run('pdfinfo', [pdfPath]);
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(info).toMatch(/^Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/m);
    expect(info).toMatch(/^Title:\s+Certificate of Sanitization 7d1c2f0e/m);
    const text = run('pdftotext', ['-layout', pdfPath, '-']);
    for (const expected of [
      'Certificate of Sanitization',
      'Example Cloud Ltd',
      CERT_ID,
      'S45NNE0M812345',
      'SAMSUNG MZ7LH960HAJR',
      '0x5002538e40a1b2c3',
      'dod-short',
      'clear',
      'overwrite',
      'PASS',
      KEY_ID,
      'aes-256-ctr stream',
      'tenant-4711',
      'vol-0a1b2c3d4e5f',
      'Sanitized by',
      'Validated by',
      '2026-11-23 01:00:00 UTC',
      '960,197,124,096 bytes',
    ]) {
      expect(text).toContain(expected);
    }
  });

  test('carries the certificate file as an attachment, byte for byte', async () => {
    await rendered;
    const out = join(work, 'detached');
    run('mkdir', ['-p', out]);
    expect(run('pdfdetach', ['-list', pdfPath])).toContain(`${CERT_ID}.cert.json`);
    run('pdfdetach', ['-saveall', '-o', out, pdfPath]);
    expect(readdirSync(out)).toEqual([`${CERT_ID}.cert.json`]);
    expect(readFileSync(join(out, `${CERT_ID}.cert.json`)).equals(file)).toBe(true);
  });

  test('renders to a PNG and is deterministic', async () => {
    const pdf = await rendered;
    run('pdftoppm', ['-png', '-r', '60', '-singlefile', pdfPath, join(work, 'page')]);
    expect(existsSync(join(work, 'page.png'))).toBe(true);
    // CLEANSLATE_TEST_RENDER_DIR keeps the page for a person to look at
    const keep = process.env.CLEANSLATE_TEST_RENDER_DIR;
    if (keep)
      for (const name of [pdfPath, join(work, 'page.png')])
        writeFileSync(join(keep, basename(name)), readFileSync(name));
    const again = await renderCertificatePdf(parseCertificate(file), { organisation: 'Example Cloud Ltd' });
    expect(again.equals(pdf)).toBe(true);
  });

  test('stays one page with many passes and an empty predicate', async () => {
    const passes = Array.from({ length: 35 }, (_, i) => ({ pattern: `pass ${i}`, bytes: 1 }));
    const long = 'x'.repeat(5000);
    const full = predicate();
    const worst = {
      ...full,
      host: long,
      sanitization: { ...(full.sanitization as object), passes, methodDetails: long },
      verification: { method: long },
    };
    for (const [name, pred] of [
      ['worst', worst],
      ['empty', {}],
    ] as const) {
      const path = join(work, `${name}.pdf`);
      writeFileSync(path, await renderCertificatePdf(parseCertificate(envelopeFile(pred))));
      expect(run('pdfinfo', [path])).toMatch(/^Pages:\s+1$/m);
      const keep = process.env.CLEANSLATE_TEST_RENDER_DIR;
      if (keep) writeFileSync(join(keep, `${name}.pdf`), readFileSync(path));
    }
  });
});

describe('HTML', () => {
  const file = envelopeFile(predicate({ operator: `Jane ${HOSTILE}`, tenant: `"><img src=x onerror=alert(2)>` }));
  const html = renderCertificateHtml(parseCertificate(file));

  test('escapes every field; the hostile operator cannot end the script block', () => {
    const keep = process.env.CLEANSLATE_TEST_RENDER_DIR;
    if (keep) writeFileSync(join(keep, 'certificate.html'), html);
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<img');
    expect(html).toContain('Jane &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    // exactly one <script> element, and it is the JSON block
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html.match(/<\/script/gi)).toHaveLength(1);
  });

  test('contains the fields and the QR as inline SVG', () => {
    for (const expected of [CERT_ID, 'S45NNE0M812345', 'dod-short', 'PASS', KEY_ID, 'Tenant', 'Sanitized by']) {
      expect(html).toContain(expected);
    }
    expect(html).toMatch(/<svg [^>]*viewBox="0 0 \d+ \d+"[^>]*>.*<path d="M/s);
    expect(html).not.toMatch(/<link|src="http/);
  });

  test('the JSON block parses back to the envelope', () => {
    const block = /<script type="application\/json" id="certificate">(.*?)<\/script>/s.exec(html)?.[1];
    expect(block).toBeDefined();
    expect(JSON.parse(block ?? '')).toEqual(JSON.parse(file.toString()));
    const hostileJson = JSON.stringify({ s: `${HOSTILE}&\u2028` });
    expect(escapeScriptJson(hostileJson)).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(escapeScriptJson(hostileJson))).toEqual(JSON.parse(hostileJson));
  });
});

describe('cert render command', () => {
  function program(): Command {
    const root = new Command('cleanslate').exitOverride();
    const cert = root.command('cert').exitOverride();
    registerCertRender(cert);
    for (const c of cert.commands) c.exitOverride();
    return root;
  }

  test('default output is <certificateId>.<format> next to the certificate', () => {
    expect(defaultRenderPath('/srv/certs/x.cert.json', CERT_ID, 'pdf')).toBe(`/srv/certs/${CERT_ID}.pdf`);
    expect(defaultRenderPath('/srv/certs/x.cert.json', MISSING, 'html')).toBe('/srv/certs/x.html');
    expect(defaultRenderPath('c.json', '../../etc/passwd', 'pdf')).toBe('__.._etc_passwd.pdf');
  });

  test('writes HTML next to the certificate and PDF to -o', async () => {
    const dir = mkdtempSync(join(work, 'cli-'));
    const certPath = join(dir, 'in.cert.json');
    writeFileSync(certPath, envelopeFile(predicate()));
    const stderr: string[] = [];
    const write = process.stderr.write;
    const out = process.stdout.write;
    process.stderr.write = ((s: string) => stderr.push(s) > 0) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program().parseAsync(['node', 'cleanslate', 'cert', 'render', certPath, '--format', 'html']);
      await program().parseAsync(['node', 'cleanslate', 'cert', 'render', certPath, '-o', join(dir, 'out.pdf')]);
    } finally {
      process.stderr.write = write;
      process.stdout.write = out;
    }
    expect(readFileSync(join(dir, `${CERT_ID}.html`), 'utf8')).toContain('<!DOCTYPE html>');
    expect(readFileSync(join(dir, 'out.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(stderr.join('')).toContain('does not verify the signature');
  });

  test.for([
    ['missing', (dir: string) => join(dir, 'nope.cert.json')],
    [
      'malformed',
      (dir: string) => {
        writeFileSync(join(dir, 'bad.cert.json'), '{"payloadType":');
        return join(dir, 'bad.cert.json');
      },
    ],
  ] as const)('a %s file is exit 2 naming the file', async ([, make]) => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const path = make(dir);
    const error = await program()
      .parseAsync(['node', 'cleanslate', 'cert', 'render', path])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    expect((error as CleanslateError).exitCode).toBe(2);
    expect((error as CleanslateError).target).toBe(path);
  });
});
