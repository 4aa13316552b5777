/**
 * What long-term validation keeps in a ShomeiContext (docs/long-term-validation.md, "What a context
 * remembers"): the signature read, SignerInfo and token signature verdicts, parsed OCSP and CRL
 * material. Each test shows one rule: identical bytes in the same context verify no signature again;
 * a changed byte, another context or a stricter algorithm policy is a miss; and nothing judged at a
 * time (chains, freshness, proof of existence) is carried from one validation to the next.
 */
import { openJpkiCard } from '@shomei/card';
import { augmentCms, type LongTermReport, ShomeiContext, signCms, verifyCmsLongTerm } from '@shomei/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRawSignedData } from '../../core/src/ltv/cms-structure.js';
import { nodeCryptoBackend } from '../../core/src/node/crypto-backend.js';
import { Authority } from '../src/authority/authority.js';
import { authorityRevocationSource, authorityTimestampSource } from '../src/authority/ltv-sources.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import { MemoryTransport } from '../src/transport/memory.js';
import { HOLDER, PINS } from './fixture.js';

let authority: Authority;
let lta: Uint8Array;

beforeAll(async () => {
  authority = await Authority.create({ label: 'ltv-caches', root: true });
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '2468');
  const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signed = await signCms(
    new TextEncoder().encode('保存された申請書'),
    await driver.toSigner('sign', { pin: PINS.sign }),
  );
  lta = (
    await augmentCms(signed, {
      level: 'LTA',
      trustAnchors: authority.trustAnchors,
      timestamp: authorityTimestampSource(authority),
      revocationSource: authorityRevocationSource(authority),
    })
  ).signed;
});

/** A context on node:crypto that counts the signatures its backend verifies. */
function countingContext(): { context: ShomeiContext; verifies: () => number } {
  const inner = nodeCryptoBackend();
  let n = 0;
  const context = new ShomeiContext({
    crypto: {
      verify: (spki, scheme, signature, data) => {
        n++;
        return inner.verify(spki, scheme, signature, data);
      },
    },
  });
  return { context, verifies: () => n };
}

// One validation time, so that two reports can be compared whole.
const NOW = new Date(Date.now() + 60_000);
const validate = (signed: Uint8Array, context: ShomeiContext, extra = {}): Promise<LongTermReport> =>
  verifyCmsLongTerm(signed, { trustAnchors: authority.trustAnchors, context, now: NOW, ...extra });

const brief = (r: LongTermReport) => [r.verdict, r.code];

/** The offset of the signer's signature value inside `signed`. */
function signatureOffset(signed: Uint8Array): number {
  const sig = readRawSignedData(signed).signerInfos[0]!.signature;
  return sig.byteOffset - signed.byteOffset;
}

describe('long-term validation in one context', () => {
  it('validating the same bytes again verifies no signature again and gives the same report', async () => {
    const { context, verifies } = countingContext();
    const first = await validate(lta, context);
    const before = verifies();
    const again = await validate(lta, context);
    expect([brief(first), before > 4, verifies() - before, again]).toEqual([
      ['valid', undefined],
      true,
      0,
      first,
    ]);
  });

  it('a changed byte of the signature value is a miss: validated afresh, it fails', async () => {
    const { context } = countingContext();
    await validate(lta, context);
    const changed = lta.slice();
    changed[signatureOffset(changed) + 10]! ^= 0x01;
    expect(brief(await validate(changed, context))).toEqual(['invalid', 'SIG_CRYPTO_FAILURE']);
  });

  it("a caller's buffer overwritten in place is read again, never answered from its old bytes", async () => {
    const { context } = countingContext();
    const buffer = lta.slice();
    await validate(buffer, context);
    buffer[signatureOffset(buffer) + 10]! ^= 0x01;
    expect(brief(await validate(buffer, context))).toEqual(['invalid', 'SIG_CRYPTO_FAILURE']);
  });

  it('another context reuses nothing: its first validation verifies the signatures itself', async () => {
    const a = countingContext();
    await validate(lta, a.context);
    const b = countingContext();
    await validate(lta, b.context);
    expect(b.verifies()).toBe(a.verifies());
  });

  it('a stricter algorithm policy is not answered by a verdict reached under the default one', async () => {
    const { context } = countingContext();
    await validate(lta, context);
    const strict = { algorithms: { minRsaBits: 4096 } };
    const afterDefault = await validate(lta, context, strict);
    const fresh = await validate(lta, countingContext().context, strict);
    expect([brief(afterDefault), afterDefault]).toEqual([
      ['indeterminate', 'CRYPTO_CONSTRAINTS_FAILURE'],
      fresh,
    ]);
  });

  it('content given beside the attached signature is compared again, never taken from the verdict', async () => {
    const { context } = countingContext();
    await validate(lta, context);
    const other = { content: new TextEncoder().encode('別の申請書') };
    const afterValid = await validate(lta, context, other);
    const fresh = await validate(lta, countingContext().context, other);
    expect([afterValid.verdict !== 'valid', afterValid]).toEqual([true, fresh]);
  });

  it('an algorithm expiry is applied on every validation, also after a cached verdict', async () => {
    const { context } = countingContext();
    await validate(lta, context);
    const r = await validate(lta, context, {
      algorithmExpiry: { 'RSA-2048': new Date(Date.now() - 3600_000) },
    });
    expect(brief(r)).toEqual(['indeterminate', 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE']);
  });

  it('the proof of existence is judged at each validation time: after the TSA certificates expire it no longer holds', async () => {
    const { context } = countingContext();
    const now = await validate(lta, context);
    const tsaExpiry = Math.max(...now.timestamps.map((t) => Date.parse(t.chain[0]!.notAfter)));
    const late = await validate(lta, context, { now: new Date(tsaExpiry + 24 * 3600_000) });
    const again = await validate(lta, context);
    expect([brief(now), late.verdict !== 'valid', late.timestamps.some((t) => t.ok), again]).toEqual([
      ['valid', undefined],
      true,
      false,
      now,
    ]);
  });
});
