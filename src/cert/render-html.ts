// `cert render --format html`: the same page as the PDF as one self-contained HTML file (inline
// CSS, the QR code as inline SVG), with the certificate file embedded in
// <script type="application/json" id="certificate">. Every field is HTML-escaped and the JSON is
// escaped so that no "</script>" can end the block. Does not verify the signature.
import {
  buildCertificateView,
  type DisplaySection,
  type ParsedCertificate,
  type QrMatrix,
  type RenderOptions,
  qrDarkRuns,
} from './render-model.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Escapes text for HTML element content and quoted attribute values.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// JSON text made safe inside a <script> element: <, >, & and the JS line separators become \u
// escapes, which JSON.parse reads back to the same value.
export function escapeScriptJson(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// The QR modules as an SVG of one path (a quiet zone of 4 modules), scaled by CSS.
export function qrSvg(qr: QrMatrix, label: string): string {
  const quiet = 4;
  const side = qr.size + 2 * quiet;
  let d = '';
  for (const { row, start, length } of qrDarkRuns(qr)) d += `M${start + quiet} ${row + quiet}h${length}v1h-${length}z`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges" ` +
    `role="img" aria-label="${escapeHtml(label)}"><rect width="${side}" height="${side}" fill="#fff"/>` +
    `<path d="${d}" fill="#000"/></svg>`
  );
}

function sectionHtml(s: DisplaySection, className = ''): string {
  const rows = s.fields
    .map(
      (f) =>
        `<tr><th scope="row">${escapeHtml(f.label)}</th><td${f.mono ? ' class="mono"' : ''}>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('\n        ');
  return `<section${className ? ` class="${className}"` : ''}>
      <h2>${escapeHtml(s.title)}</h2>
      <table>
        ${rows}
      </table>
    </section>`;
}

const CSS = `
  :root { --ink: #1a1a1a; --muted: #5f6368; --accent: #1f3a5f; --rule: #c7ccd1; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #eef0f2; color: var(--ink); font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
  main { max-width: 210mm; margin: 16px auto; background: #fff; padding: 14mm 15mm 12mm; border-top: 6px solid var(--accent); }
  header { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; border-bottom: 2px solid var(--accent); padding-bottom: 8px; }
  .org { color: var(--muted); font-weight: 700; margin: 0; }
  h1 { font-size: 28px; margin: 2px 0; }
  .sub { color: var(--muted); margin: 0; font-size: 12px; }
  .badge { min-width: 110px; text-align: center; color: #fff; border-radius: 5px; padding: 4px 12px 6px; background: var(--muted); }
  .badge.PASS { background: #1b7f3b; } .badge.FAIL { background: #b3261e; }
  .badge small { display: block; font-size: 10px; letter-spacing: .08em; }
  .badge strong { font-size: 26px; }
  .ids { display: flex; gap: 24px; flex-wrap: wrap; margin: 6px 0 4px; }
  .ids span { color: var(--muted); font-size: 11px; margin-right: 6px; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 24px; }
  h2 { font-size: 11px; letter-spacing: .06em; text-transform: uppercase; color: var(--accent); border-bottom: 1px solid var(--rule); margin: 14px 0 4px; padding-bottom: 2px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: 1px 6px 1px 0; }
  th[scope="row"] { color: var(--muted); font-weight: 400; width: 9.5em; font-size: 12px; }
  .passes th { color: var(--muted); font-size: 12px; }
  .mono, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
  .proof { display: grid; grid-template-columns: 1fr 150px; gap: 0 24px; }
  .qr { margin-top: 16px; text-align: center; color: var(--muted); font-size: 10px; }
  .qr svg { width: 140px; height: 140px; display: block; margin: 0 auto 2px; }
  .sign { display: grid; grid-template-columns: 2fr 2fr 1fr; gap: 24px; margin-top: 34px; }
  .sign div { border-top: 1px solid var(--ink); color: var(--muted); font-size: 11px; padding-top: 2px; position: relative; }
  .sign b { position: absolute; bottom: 100%; left: 0; color: var(--ink); font-weight: 400; font-size: 12px; }
  footer { margin-top: 18px; border-top: 1px solid var(--rule); padding-top: 6px; color: var(--muted); font-size: 11px; }
  @media print { body { background: #fff; } main { margin: 0; max-width: none; } }
`;

// Renders a certificate as one self-contained HTML document with the certificate file embedded.
export function renderCertificateHtml(cert: ParsedCertificate, options: RenderOptions = {}): string {
  const view = buildCertificateView(cert, options);
  const e = escapeHtml;
  const passRows = view.passes.length
    ? view.passes
        .map(
          (p) =>
            `<tr><td>${p.index}</td><td>${e(p.pattern)}</td><td>${e(p.bytes)}</td><td>${e(p.startedAt)}</td><td>${e(p.endedAt)}</td></tr>`,
        )
        .join('\n        ')
    : '<tr><td></td><td>—</td></tr>';
  const json = escapeScriptJson(
    cert.raw
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim(),
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="generator" content="cleanslate">
  <title>${e(`${view.title} ${view.certificateId}`)}</title>
  <style>${CSS}</style>
</head>
<body>
  <main>
    <header>
      <div>
        <p class="org">${e(view.organisation)}</p>
        <h1>${e(view.title)}</h1>
        <p class="sub">Media sanitization record after NIST SP 800-88 Rev. 1, Appendix G</p>
      </div>
      <div class="badge ${e(view.result)}"><small>RESULT</small><strong>${e(view.result)}</strong></div>
    </header>
    <div class="ids">
      <div><span>Certificate ID</span><code>${e(view.certificateId)}</code></div>
      <div><span>Issued</span>${e(view.issuedAt)}</div>
    </div>
    <div class="grid">
    ${sectionHtml(view.media)}
    ${sectionHtml(view.sanitization)}
    </div>
    <section>
      <h2>Passes (${view.passes.length})</h2>
      <table class="passes">
        <tr><th>#</th><th>Pattern</th><th>Bytes written</th><th>Started</th><th>Ended</th></tr>
        ${passRows}
      </table>
    </section>
    <div class="grid">
    ${sectionHtml(view.verification)}
    ${sectionHtml(view.residualScan)}
    </div>
    <div class="proof">
      <div>
    ${sectionHtml(view.custody)}
    ${sectionHtml(view.signature)}
      </div>
      <div class="qr">${qrSvg(view.qr, view.qrText)}Signed summary (QR)</div>
    </div>
    <div class="sign">
      <div>${view.sanitizedBy ? `<b>${e(view.sanitizedBy)}</b>` : ''}Sanitized by (name, signature)</div>
      <div>${view.validatedBy ? `<b>${e(view.validatedBy)}</b>` : ''}Validated by (name, signature)</div>
      <div>Date</div>
    </div>
    <footer>
      <p>This page is a rendering of a signed certificate and was produced without checking the signature.
      The proof is the signed file below (a DSSE envelope, Ed25519, around an in-toto Statement); save it as
      <code>${e(view.attachmentName)}</code> and check it with <code>cleanslate cert verify ${e(view.attachmentName)} --pubkey KEY.pem</code>
      or with openssl alone. The QR code holds the certificate id, the result and the SHA-256 of the signed payload:</p>
      <p><code>${e(view.qrText)}</code></p>
    </footer>
  </main>
  <script type="application/json" id="certificate">${json}</script>
</body>
</html>
`;
}
