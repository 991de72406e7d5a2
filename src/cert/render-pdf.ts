// `cert render --format pdf`: one A4 page a person signs off, with the signed certificate file
// attached unchanged (extract it with `pdfdetach -saveall`). A rendering, not a proof: it does not
// verify the signature. Deterministic: document dates come from issuedAt, nothing from the clock.
import PDFDocument from 'pdfkit';
import {
  buildCertificateView,
  type CertificateView,
  type DisplayField,
  type DisplaySection,
  type ParsedCertificate,
  type QrMatrix,
  type RenderOptions,
  qrDarkRuns,
} from './render-model.js';

type Doc = PDFKit.PDFDocument;

// A4 in points, and the page grid.
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 42;
const CONTENT = PAGE.width - 2 * MARGIN;
const GUTTER = 18;
const COLUMN = (CONTENT - GUTTER) / 2;
const LABEL_WIDTH = 84;
const ROW = 12.5;
/** Space kept at the foot of the page for the note; the sign-off sits just above it. */
const FOOTER_HEIGHT = 72;
const SIGN_OFF_HEIGHT = 74;
/** Passes listed on the page; the rest are counted (all are in the attached JSON). */
const MAX_PASS_ROWS = 6;

const INK = '#1a1a1a';
const MUTED = '#5f6368';
const ACCENT = '#1f3a5f';
const RULE = '#c7ccd1';
const RESULT_COLOURS: Record<string, string> = { PASS: '#1b7f3b', FAIL: '#b3261e' };

const SANS = 'Helvetica';
const SANS_BOLD = 'Helvetica-Bold';
const MONO = 'Courier';

// Writes text on one line at (x, y), shrinking it to minSize and then cutting it with "…" to fit width.
function fitText(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  width: number,
  font: string,
  size: number,
  minSize = size - 1.5,
): void {
  doc.font(font);
  let s = size;
  doc.fontSize(s);
  while (s > minSize && doc.widthOfString(text) > width) doc.fontSize((s -= 0.25));
  let shown = text;
  if (doc.widthOfString(shown) > width) {
    while (shown.length > 1 && doc.widthOfString(`${shown}…`) > width) shown = shown.slice(0, -1);
    shown = `${shown}…`;
  }
  doc.text(shown, x, y, { lineBreak: false });
}

// A section heading with a rule under it; returns the y below.
function heading(doc: Doc, title: string, x: number, y: number, width: number): number {
  doc.fillColor(ACCENT);
  fitText(doc, title.toUpperCase(), x, y, width, SANS_BOLD, 8.5);
  doc
    .moveTo(x, y + 11)
    .lineTo(x + width, y + 11)
    .lineWidth(0.6)
    .strokeColor(RULE)
    .stroke();
  return y + 16;
}

// One label/value row; returns its height (two rows for prose that wraps).
function field(doc: Doc, item: DisplayField, x: number, y: number, width: number): number {
  doc.fillColor(MUTED);
  fitText(doc, item.label, x, y + 0.5, LABEL_WIDTH - 4, SANS, 7.5);
  doc.fillColor(INK);
  const valueWidth = width - LABEL_WIDTH;
  if (item.wrap && doc.font(SANS).fontSize(8).widthOfString(item.value) > valueWidth) {
    doc.font(SANS).fontSize(7.5);
    doc.text(item.value, x + LABEL_WIDTH, y + 0.5, {
      width: valueWidth,
      height: 2 * ROW - 3,
      ellipsis: true,
      lineGap: 0.5,
    });
    return 2 * ROW;
  }
  if (item.mono) fitText(doc, item.value, x + LABEL_WIDTH, y + 0.5, valueWidth, MONO, 8, 6.5);
  else fitText(doc, item.value, x + LABEL_WIDTH, y, valueWidth, SANS, 8.5, 7);
  return ROW;
}

// A titled list of fields; returns the y below it.
function section(doc: Doc, s: DisplaySection, x: number, y: number, width: number): number {
  let cy = heading(doc, s.title, x, y, width);
  for (const item of s.fields) {
    cy += field(doc, item, x, cy, width);
  }
  return cy;
}

// The table of passes (pattern, bytes, times); returns the y below it.
function passTable(doc: Doc, view: CertificateView, y: number): number {
  let cy = heading(doc, `Passes (${view.passes.length})`, MARGIN, y, CONTENT);
  const columns = [
    { title: '#', width: 18 },
    { title: 'Pattern', width: 140 },
    { title: 'Bytes written', width: 165 },
    { title: 'Started', width: 97 },
    { title: 'Ended', width: CONTENT - 18 - 140 - 165 - 97 },
  ];
  const row = (cells: string[], font: string, colour: string, size: number) => {
    let x = MARGIN;
    doc.fillColor(colour);
    cells.forEach((cell, i) => {
      const width = columns[i]?.width ?? 0;
      fitText(doc, cell, x, cy, width - 6, font, size, size - 1);
      x += width;
    });
    cy += ROW - 0.5;
  };
  row(
    columns.map((c) => c.title),
    SANS_BOLD,
    MUTED,
    7.5,
  );
  if (view.passes.length === 0) row(['', '—'], SANS, INK, 8.5);
  for (const pass of view.passes.slice(0, MAX_PASS_ROWS)) {
    row([String(pass.index), pass.pattern, pass.bytes, pass.startedAt, pass.endedAt], SANS, INK, 8);
  }
  if (view.passes.length > MAX_PASS_ROWS) {
    const more = view.passes.length - MAX_PASS_ROWS;
    doc.fillColor(MUTED);
    fitText(doc, `… and ${more} more passes, listed in the attached JSON`, MARGIN + 18, cy, CONTENT - 18, SANS, 8);
    cy += ROW - 0.5;
  }
  return cy;
}

// The QR code as filled squares (runs of dark modules merged), with a quiet zone.
function qrCode(doc: Doc, qr: QrMatrix, x: number, y: number, size: number): void {
  const quiet = 4;
  const module = size / (qr.size + 2 * quiet);
  doc.rect(x, y, size, size).fill('#ffffff');
  for (const { row, start, length } of qrDarkRuns(qr)) {
    doc.rect(x + (quiet + start) * module, y + (quiet + row) * module, length * module, module);
  }
  doc.fill('#000000');
}

// The header: organisation, title, result badge, certificate id; returns the y below it.
function header(doc: Doc, view: CertificateView): number {
  doc.rect(0, 0, PAGE.width, 6).fill(ACCENT);
  const badge = { width: 104, height: 46 };
  const textWidth = CONTENT - badge.width - 12;
  doc.fillColor(MUTED);
  fitText(doc, view.organisation, MARGIN, 30, textWidth, SANS_BOLD, 10, 8);
  doc.fillColor(INK);
  fitText(doc, view.title, MARGIN, 44, textWidth, SANS_BOLD, 24);
  doc.fillColor(MUTED);
  fitText(doc, 'Media sanitization record after NIST SP 800-88 Rev. 1, Appendix G', MARGIN, 73, textWidth, SANS, 9);

  const bx = PAGE.width - MARGIN - badge.width;
  doc.roundedRect(bx, 30, badge.width, badge.height, 4).fill(RESULT_COLOURS[view.result] ?? MUTED);
  doc.fillColor('#ffffff');
  doc.font(SANS).fontSize(7).text('RESULT', bx, 35, { width: badge.width, align: 'center', lineBreak: false });
  doc.font(SANS_BOLD).fontSize(20).text(view.result, bx, 46, { width: badge.width, align: 'center', lineBreak: false });

  const y = 94;
  doc
    .moveTo(MARGIN, y)
    .lineTo(PAGE.width - MARGIN, y)
    .lineWidth(1)
    .strokeColor(ACCENT)
    .stroke();
  doc.fillColor(MUTED);
  fitText(doc, 'Certificate ID', MARGIN, y + 8, 70, SANS, 7.5);
  doc.fillColor(INK);
  fitText(doc, view.certificateId, MARGIN + 70, y + 7.5, 250, MONO, 9, 7);
  doc.fillColor(MUTED);
  fitText(doc, 'Issued', MARGIN + 340, y + 8, 40, SANS, 7.5);
  doc.fillColor(INK);
  fitText(doc, view.issuedAt, MARGIN + 375, y + 7, CONTENT - 375, SANS, 9, 7.5);
  return y + 28;
}

// Signature lines for the people who sanitized and validated, and the date.
function signOff(doc: Doc, view: CertificateView, y: number): number {
  let cy = heading(doc, 'Sign-off', MARGIN, y, CONTENT);
  cy += 26;
  const boxes = [
    { label: 'Sanitized by (name, signature)', name: view.sanitizedBy, width: 200 },
    { label: 'Validated by (name, signature)', name: view.validatedBy, width: 200 },
    { label: 'Date', name: '', width: CONTENT - 400 - 2 * GUTTER },
  ];
  let x = MARGIN;
  for (const box of boxes) {
    if (box.name) {
      doc.fillColor(INK);
      fitText(doc, box.name, x, cy - 11, box.width, SANS, 8.5, 7);
    }
    doc
      .moveTo(x, cy)
      .lineTo(x + box.width, cy)
      .lineWidth(0.7)
      .strokeColor(INK)
      .stroke();
    doc.fillColor(MUTED);
    fitText(doc, box.label, x, cy + 3, box.width, SANS, 7.5);
    x += box.width + GUTTER;
  }
  return cy + 16;
}

// The note at the foot of the page: what the page is, where the proof is, what the QR holds.
function footer(doc: Doc, view: CertificateView): void {
  const y = PAGE.height - FOOTER_HEIGHT;
  doc
    .moveTo(MARGIN, y)
    .lineTo(PAGE.width - MARGIN, y)
    .lineWidth(0.6)
    .strokeColor(RULE)
    .stroke();
  doc.fillColor(MUTED).font(SANS).fontSize(7);
  doc.text(
    `This page is a rendering of a signed certificate, produced without checking its signature. The proof is ` +
      `the attached file ${view.attachmentName} (DSSE envelope, Ed25519, in-toto Statement): check it with ` +
      `"cleanslate cert verify FILE --pubkey KEY.pem" or with openssl alone. The QR code holds the certificate ` +
      `id, the result and the SHA-256 of the signed payload:`,
    MARGIN,
    y + 6,
    { width: CONTENT, lineGap: 1 },
  );
  doc.fillColor(MUTED);
  fitText(doc, `QR: ${view.qrText}`, MARGIN, y + 40, CONTENT, MONO, 6.5, 5);
}

// Lays out the page.
function drawPage(doc: Doc, view: CertificateView): void {
  let y = header(doc, view);
  const right = MARGIN + COLUMN + GUTTER;
  y = Math.max(section(doc, view.media, MARGIN, y, COLUMN), section(doc, view.sanitization, right, y, COLUMN)) + 8;
  y = passTable(doc, view, y) + 8;
  y =
    Math.max(section(doc, view.verification, MARGIN, y, COLUMN), section(doc, view.residualScan, right, y, COLUMN)) + 8;

  const qrSize = 118;
  const narrow = CONTENT - qrSize - GUTTER;
  const top = y;
  y = section(doc, view.custody, MARGIN, y, narrow) + 8;
  y = section(doc, view.signature, MARGIN, y, narrow);
  const qrX = PAGE.width - MARGIN - qrSize;
  qrCode(doc, view.qr, qrX, top + 2, qrSize);
  doc.fillColor(MUTED);
  doc
    .font(SANS)
    .fontSize(6.5)
    .text('Signed summary (QR)', qrX, top + qrSize + 4, { width: qrSize, align: 'center', lineBreak: false });
  y = Math.max(y, top + qrSize + 14) + 10;

  signOff(doc, view, Math.max(y, PAGE.height - FOOTER_HEIGHT - SIGN_OFF_HEIGHT));
  footer(doc, view);
}

// Renders a certificate as a one-page A4 PDF with the certificate file attached.
export async function renderCertificatePdf(cert: ParsedCertificate, options: RenderOptions = {}): Promise<Buffer> {
  const view = buildCertificateView(cert, options);
  // a fixed date keeps the output reproducible when issuedAt is missing
  const date = view.issuedDate ?? new Date(0);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    compress: true,
    pdfVersion: '1.7',
    info: {
      Title: `${view.title} ${view.certificateId}`,
      Author: view.organisation,
      Subject: `${view.result}: ${view.media.fields.find((f) => f.label === 'Model')?.value ?? ''} ${
        view.media.fields.find((f) => f.label === 'Serial number')?.value ?? ''
      }`.trim(),
      Keywords: `cleanslate; certificate of sanitization; NIST SP 800-88; ${view.certificateId}`,
      Creator: 'cleanslate',
      Producer: 'cleanslate (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawPage(doc, view);
  doc.file(cert.raw, {
    name: view.attachmentName,
    type: 'application/json',
    description: 'Signed certificate of sanitization (DSSE envelope, in-toto Statement)',
    creationDate: date,
    modifiedDate: date,
  });
  doc.end();
  return done;
}
