// The XML verification suites again, with every document read by the streaming route (stream.ts)
// instead of only those from STREAM_FROM: the attack corpus, sign → verify, the e-Gov folder and the
// xmlsec1 referee must give the same verdicts and codes either way.
import { vi } from 'vitest';

vi.mock('./stream.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./stream.js')>()),
  STREAM_FROM: 0,
}));

await import('../../test/hostile/xml-attacks.test.js');
await import('./sign-verify.test.js');
await import('./egov.test.js');
await import('./xmlsec-referee.test.js');

const { expect, it } = await import('vitest');
const { rsaSigner, trust } = await import('../../test/support/xml.js');
const { signXml } = await import('./sign.js');
const { verifyXml } = await import('./verify.js');

it('the suites above really take the streaming route (the report builds its tree only on demand)', async () => {
  const r = await verifyXml(await signXml('<a Id="x">y</a>', await rsaSigner()), trust);
  expect([r.verdict, typeof Object.getOwnPropertyDescriptor(r, 'signatureElement')?.get]).toEqual([
    'valid',
    'function',
  ]);
});
