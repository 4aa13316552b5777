import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { samplePdf } from '../packages/core/test/support/pdf-build.js';
import { pki } from '../packages/core/test/pki.js';
import { pkcs8Signer } from '../packages/core/src/signer/pkcs8.js';
import { signPdf, verifyPdf, PdfDocument, bytesSource } from '../packages/core/src/index.js';
writeFileSync('/tmp/hpdf-rss/s.pdf', samplePdf(3));
for (const flags of [['--linearize'], ['--linearize', '--object-streams=generate']]) {
  execFileSync('qpdf', [...flags, '/tmp/hpdf-rss/s.pdf', '/tmp/hpdf-rss/lin.pdf']);
  const lin = new Uint8Array(readFileSync('/tmp/hpdf-rss/lin.pdf'));
  const doc = await PdfDocument.open(bytesSource(lin));
  console.log(flags, 'revisions', doc.revisions.map((r) => [r.end, r.sections.map((s) => [s.offset, s.kind])]), 'size', lin.length);
  const signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  try {
    const signed = await signPdf(lin, signer);
    writeFileSync('/tmp/hpdf-rss/lin-signed.pdf', signed);
    const r = await verifyPdf(signed, { trustAnchors: [pki.root], revocation: 'off' });
    console.log(r.verdict, r.code, r.message, r.revisions, r.signatures.map((s) => [s.pdf.revision, s.pdf.changesAfter.length]));
    try { console.log(execFileSync('qpdf', ['--check', '/tmp/hpdf-rss/lin-signed.pdf']).toString()); } catch (e) { console.log('QPDF', String((e as any).stdout)); }
    try { console.log(execFileSync('pdfsig', ['/tmp/hpdf-rss/lin-signed.pdf']).toString()); } catch (e) { console.log('PDFSIG', String((e as any).stdout)); }
  } catch (e) { console.log('ERR', e); }
}
