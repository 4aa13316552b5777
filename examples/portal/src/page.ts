/**
 * The portal's one page: the upload form, and below it the application's status (pending, or the
 * verification report) or a problem sentence with its code. Every value that comes from an upload or
 * a certificate goes through `escapeHtml` — certificate names and the holder's facts are
 * attacker-controlled text — after core's `neutralizeText` has made its control and bidi characters visible.
 */
import { neutralizeText, type ReportChainElement, type ReportRevocation } from '@shomei/core';
import type { PortalPdfSignature, PortalReport } from './formats.js';
import type { PortalProblem } from './problem.js';

/**
 * HTML-escapes `text` after core's `neutralizeText` has replaced its control, bidi and invisible
 * characters by visible escapes (`\u202E`): a name carrying U+202E cannot reorder what a clerk reads,
 * and a NUL, ESC or line break cannot hide or fake text.
 */
export function escapeHtml(text: string): string {
  return neutralizeText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type PageResult =
  | { kind: 'empty' }
  | { kind: 'pending'; id: string; receivedAt: Date; attempts: number }
  | { kind: 'report'; report: PortalReport; fileName?: string; id?: string }
  | { kind: 'problem'; problem: Pick<PortalProblem, 'code' | 'message'> };

export function renderPage(result: PageResult, limits: { maxUploadBytes: number }): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>住民票の写しの交付請求 — 電子署名の確認</title>
${result.kind === 'pending' ? '<meta http-equiv="refresh" content="1">' : ''}
<style>${STYLE}</style>
</head>
<body>
<header><p class="city">見本市 市民課 · Mihon City, Resident Affairs</p>
<h1>住民票の写しの交付請求 <small>Request a copy of the residence certificate</small></h1></header>
<main>
<section class="form">
<p>Upload your application signed with your My Number card (署名用電子証明書): one <b>.p7s</b> with
the application inside, or the application document and its detached <b>.p7s</b>; a signed <b>PDF</b>;
or an e-Gov application folder (kousei.xml and its files) as one <b>.zip</b>. Up to
${escapeHtml(formatBytes(limits.maxUploadBytes))} in total.</p>
<form method="post" action="/verify" enctype="multipart/form-data">
<label>Signed file (.p7s, .pdf or e-Gov .zip) <input type="file" name="signature" id="signature"></label>
<label>Document (only for a detached signature) <input type="file" name="document" id="document"></label>
<label>Or an e-Gov application's files (kousei.xml and the files it lists) <input type="file" name="files" id="files" multiple></label>
<button type="submit" id="submit">Verify the signature</button>
</form>
</section>
${renderResult(result)}
</main>
<footer>Verification with @shomei/core. Each application and its report are kept by the portal. A real JPKI verification service needs
certification under the JPKI Act and a platform-operator agreement for revocation data.</footer>
</body>
</html>
`;
}

function renderResult(result: PageResult): string {
  if (result.kind === 'empty') return '';
  if (result.kind === 'pending') {
    return `<section class="result pending" id="result">
<h2>Verdict: <span class="verdict" id="verdict">pending</span></h2>
<p>Your application <code id="application-id">${escapeHtml(result.id)}</code> was received at
${escapeHtml(result.receivedAt.toISOString())} and is waiting for verification${result.attempts > 1 ? ` (attempt ${result.attempts})` : ''}.
This page refreshes itself; you may also come back to its address later.</p>
</section>`;
  }
  if (result.kind === 'problem') {
    return `<section class="result problem" id="result" role="alert">
<h2>The upload could not be verified</h2>
<p>${escapeHtml(result.problem.message)} <code class="code">${escapeHtml(result.problem.code)}</code></p>
</section>`;
  }
  const r = result.report;
  const revoked = r.code === 'CERT_REVOKED';
  const valid = r.verdict === 'valid';
  const checked = r.chain[0]?.revocation.source != null;
  const headline = valid
    ? checked
      ? 'valid — the signature is genuine and the certificate is in force'
      : 'valid signature — revocation not checked'
    : revoked
      ? 'invalid — the certificate is revoked'
      : `${r.verdict}`;
  // The holder's facts are shown only for a valid signature: on any other verdict they are claims
  // of a certificate that did not verify, and showing them would lend them the portal's authority.
  const jpki = valid ? r.signer.jpki : undefined;
  const signer = jpki
    ? fact('Name (氏名)', jpki.name, 'holder-name') +
      fact('Address (住所)', jpki.address) +
      fact('Date of birth (生年月日)', readableBirthDate(jpki.birthDate)) +
      fact('Sex (性別)', readableSex(jpki.sex))
    : valid
      ? fact('Subject', r.signer.subject || '—')
      : fact('Signer', 'not shown: the signature was not verified');
  return `<section class="result ${escapeHtml(r.verdict)}" id="result">
<h2>Verdict: <span class="verdict" id="verdict">${escapeHtml(headline)}</span></h2>
${r.code ? `<p class="message">${escapeHtml(r.message ?? r.code)} <code class="code">${escapeHtml(r.code)}</code></p>` : ''}
${result.id ? `<p class="file">Application <code id="application-id">${escapeHtml(result.id)}</code></p>` : ''}
${result.fileName ? `<p class="file">File: ${escapeHtml(result.fileName)}</p>` : ''}
<h3>Signer</h3>
<dl>
${signer}
${fact('Signing time', r.signingTime ?? 'not stated by the signer')}
${r.timestamp ? fact('Time-stamp', `${r.timestamp.time}${r.timestamp.authority ? ` by ${r.timestamp.authority}` : ''}`) : ''}
${fact('Algorithms', [r.digestAlgorithm, r.signatureAlgorithm].filter(Boolean).join(', ') || '—')}
</dl>
${
  r.chain.length
    ? `<h3>Certificate chain</h3>
<table class="chain"><thead><tr><th>Certificate</th><th>Serial</th><th>Valid</th><th>Revocation status</th></tr></thead>
<tbody>${r.chain.map((c, i) => chainRow(c, i === 0 && !valid)).join('')}</tbody></table>`
    : ''
}
<h3>Checks</h3>
<ul class="checks">${r.checks
    .map(
      (c) =>
        `<li class="${c.ok ? 'ok' : 'fail'}">${c.ok ? '✓' : '✗'} ${escapeHtml(c.name)}${c.detail ? `: ${escapeHtml(c.detail)}` : ''}${c.code ? ` <code>${escapeHtml(c.code)}</code>` : ''}</li>`,
    )
    .join('')}</ul>
${r.pdf ? pdfSection(r.pdf.signatures, r.pdf.revisions) : ''}
${r.xml ? xmlSection(r.xml) : ''}
</section>`;
}

/** Every signature of a PDF, the revision it signs, and what changed after it (allowed or not). */
function pdfSection(signatures: readonly PortalPdfSignature[], revisions: number): string {
  const rows = signatures.map((s, i) => {
    const valid = s.verdict === 'valid';
    const changes = s.pdf.changesAfter.flatMap((rev) =>
      rev.changes.map(
        (c) =>
          `<li class="${c.allowed ? 'ok' : 'fail'}">${c.allowed ? '✓' : '✗'} revision ${rev.revision}: ${escapeHtml(c.kind)} — ${escapeHtml(c.detail)}</li>`,
      ),
    );
    const failed = s.pdf.checks.filter((c) => !c.ok);
    return `<li class="pdf-signature ${escapeHtml(s.verdict)}" id="pdf-signature-${i + 1}">
<b>Signature ${i + 1}</b> (${escapeHtml(s.pdf.field)}): <span class="verdict">${escapeHtml(s.verdict)}</span>${s.code ? ` <code>${escapeHtml(s.code)}</code>` : ''}
<br>Signer: ${escapeHtml(valid ? s.signer.jpki?.name || s.signer.subject || '—' : 'not shown: the signature was not verified')}
<br>Signs revision ${s.pdf.revision + 1} of ${revisions}${s.pdf.coversWholeFile ? ' — the whole file as uploaded' : ''}${s.pdf.certification ? ` (certification, DocMDP level ${escapeHtml(String(s.pdf.certification))})` : ''}
${failed.map((c) => `<br>✗ ${escapeHtml(c.name)}: ${escapeHtml(c.detail ?? '')} <code>${escapeHtml(c.code ?? '')}</code>`).join('')}
${
  s.pdf.changesAfter.length
    ? `<br>Changes after this signature:<ul class="checks changes">${changes.join('') || '<li class="ok">✓ an update that changes no object</li>'}</ul>`
    : '<br>No change after this signature.'
}</li>`;
  });
  return `<h3>Signatures in the PDF</h3>
<ul class="pdf-signatures">${rows.join('') || '<li>The PDF carries no signature.</li>'}</ul>`;
}

/** What each reference of an XML signature covered; files nothing signed are named as such. */
function xmlSection(xml: NonNullable<PortalReport['xml']>): string {
  const rows = xml.references.map(
    (r) =>
      `<tr class="${r.ok ? 'ok' : 'fail'}"><td><code>${escapeHtml(r.uri || '(whole document)')}</code></td><td>${escapeHtml(
        r.kind === 'file'
          ? `file ${r.file ?? ''}`
          : r.kind === 'element'
            ? `element ${r.path ?? ''}`
            : (r.kind ?? '—'),
      )}</td><td>${r.ok ? '✓ digest matches' : `✗ ${escapeHtml(r.code ?? 'does not match')}`}</td></tr>`,
  );
  const unsigned = xml.unsignedFiles ?? [];
  return `<h3>What the ${escapeHtml(xml.format)} signature covers</h3>
<table class="references"><thead><tr><th>Reference</th><th>Covers</th><th>Digest</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${unsigned.length ? `<p class="unsigned" id="unsigned-files">Not signed — not part of the application: ${unsigned.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</p>` : ''}`;
}

function fact(label: string, value: string, id?: string): string {
  return `<dt>${escapeHtml(label)}</dt><dd${id ? ` id="${id}"` : ''}>${escapeHtml(value)}</dd>`;
}

function chainRow(c: ReportChainElement, hideSubject: boolean): string {
  const subject = hideSubject ? "the signer's certificate (name not shown)" : c.subject;
  return `<tr><td>${escapeHtml(subject)}</td><td><code>${escapeHtml(c.serial)}</code></td><td class="dates">${escapeHtml(c.notBefore.slice(0, 10))} – ${escapeHtml(c.notAfter.slice(0, 10))}</td><td class="rev-${escapeHtml(c.revocation.status)}">${escapeHtml(revocationText(c.revocation))}</td></tr>`;
}

/** Where the status came from matters to a clerk: a live OCSP answer, a CRL, or no check at all. */
function revocationText(r: ReportRevocation): string {
  const source = r.source === 'ocsp' ? 'OCSP' : r.source === 'crl' ? 'CRL' : 'not checked';
  if (r.status === 'revoked') {
    return `revoked${r.reason ? ` (${r.reason})` : ''}${r.revokedAt ? ` since ${r.revokedAt}` : ''} — ${source}`;
  }
  return r.source ? `${r.status} — ${source}` : 'not checked (trust anchor or no source)';
}

/** The certificate's `EYYYYMMDD` (era digit + Gregorian date, spec §11 [U]): the date, then as encoded. */
function readableBirthDate(encoded: string): string {
  const m = /^\d?(\d{4})(\d{2})(\d{2})$/.exec(encoded);
  return m ? `${m[1]}-${m[2]}-${m[3]} (encoded ${encoded})` : encoded;
}

/** The sex code (1 male, 2 female, 9 not applicable; spec/jpki-card.md §10 EF 00 02, §11). */
function readableSex(code: string): string {
  const name = { '1': 'male', '2': 'female', '9': 'not applicable' }[code];
  return name ? `${name} (code ${code})` : code;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`
    : `${Math.round(n / 1024)} KiB`;
}

const STYLE = `
body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;margin:0;color:#1b1b1b;background:#f5f6f8}
header{background:#0b3d7a;color:#fff;padding:1rem 2rem}header h1{margin:.2rem 0;font-size:1.4rem}
header small{display:block;font-size:.9rem;font-weight:normal;opacity:.85}.city{margin:0;font-size:.85rem;opacity:.85}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #d8dce2;border-radius:6px;padding:1rem 1.5rem;margin-bottom:1rem}
form{display:grid;gap:.7rem}label{display:grid;gap:.2rem;font-weight:600}
button{justify-self:start;background:#0b3d7a;color:#fff;border:0;border-radius:4px;padding:.5rem 1.2rem;font-size:1rem}
.result.valid{border-left:8px solid #1e7b34}.result.invalid,.result.problem{border-left:8px solid #b3261e}
.result.indeterminate{border-left:8px solid #b26a00}.result.pending{border-left:8px solid #6b7280}.verdict{font-weight:700}
.valid .verdict{color:#1e7b34}.invalid .verdict{color:#b3261e}.indeterminate .verdict{color:#b26a00}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:#555}dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #d8dce2;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}td code{word-break:break-all}
.dates{white-space:nowrap}.rev-revoked{color:#b3261e;font-weight:600}.rev-good{color:#1e7b34}
.checks{list-style:none;padding:0;font-size:.9rem}.checks .fail{color:#b3261e}
code{background:#eef0f3;padding:0 .25rem;border-radius:3px}
footer{max-width:60rem;margin:0 auto 2rem;padding:0 1rem;font-size:.8rem;color:#555}
`;
