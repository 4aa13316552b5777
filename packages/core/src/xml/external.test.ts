/**
 * External XML signing: prepare → the test key signs the DigestInfo of the SignedInfo (as the card
 * would) → finish, judged by verifyXml / verifyEgovApplication and by xmlsec1; a signature over
 * anything else, a changed document, another certificate or broken state are refused with their codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { signDigestInfo } from '../../test/support/external-signer.js';
import { egovFolder, trust, xmlsecVerifies, xmlsecVerifiesFile } from '../../test/support/xml.js';
import { hasErrorCode } from '../errors.js';
import { verifyEgovApplication } from './egov.js';
import {
  finishExternalEgov,
  finishExternalXml,
  type PreparedExternalXml,
  prepareExternalEgov,
  prepareExternalXml,
} from './external.js';
import { verifyXml } from './verify.js';

const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<申請 xmlns="urn:example:app"><金額 Id="amount">5000</金額><氏名>山田 太郎</氏名></申請>\n';
const certificate = pki.signer;
const chain = [pki.intermediate];
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const XADES_ID = ['--id-attr:Id', 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties'];

describe('prepareExternalXml → sign the hash elsewhere → finishExternalXml', () => {
  it('enveloped XAdES-BES: verifyXml and xmlsec1 call it valid, SigningTime as prepared', async () => {
    const prepared = roundTrip(await prepareExternalXml(DOC, { certificate, chain, xades: true }));
    const signed = await finishExternalXml(DOC, prepared, signDigestInfo(prepared.digestInfo), {
      certificate,
    });
    const report = await verifyXml(signed, trust);
    expect([report.verdict, report.format, report.signingTime, xmlsecVerifies(signed, XADES_ID)]).toEqual([
      'valid',
      'XAdES-BES',
      prepared.xadesSigningTime,
      true,
    ]);
  });

  it('detached with an external reference: the bytes come back at finish', async () => {
    const attachment = new TextEncoder().encode('添付書類');
    const prepared = await prepareExternalXml(DOC, {
      certificate,
      chain,
      mode: 'detached',
      references: [{ uri: '#amount' }, { uri: 'attachment.txt', bytes: attachment }],
    });
    const signed = await finishExternalXml(DOC, prepared, signDigestInfo(prepared.digestInfo), {
      external: { 'attachment.txt': attachment },
    });
    const report = await verifyXml(signed, {
      ...trust,
      resolveExternal: (uri) => (uri === 'attachment.txt' ? attachment : undefined),
    });
    expect(report.verdict).toBe('valid');
  });

  it('refuses a signature made over another document', async () => {
    const prepared = await prepareExternalXml(DOC, { certificate, chain });
    const other = await prepareExternalXml(DOC.replace('5000', '9000'), {
      certificate,
      chain,
      id: prepared.id,
    });
    await expect(finishExternalXml(DOC, prepared, signDigestInfo(other.digestInfo))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'),
    );
  });

  it('refuses to finish over a document changed since prepare', async () => {
    const prepared = await prepareExternalXml(DOC, { certificate, chain });
    const signature = signDigestInfo(prepared.digestInfo);
    await expect(finishExternalXml(DOC.replace('5000', '9000'), prepared, signature)).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'),
    );
  });

  it('refuses a signature by another key over the prepared hash', async () => {
    const prepared = await prepareExternalXml(DOC, { certificate, chain });
    await expect(
      finishExternalXml(DOC, prepared, signDigestInfo(prepared.digestInfo, pki.weakKey)),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'));
  });

  it('refuses a returned certificate other than the prepared one', async () => {
    const prepared = await prepareExternalXml(DOC, { certificate, chain });
    await expect(
      finishExternalXml(DOC, prepared, signDigestInfo(prepared.digestInfo), { certificate: pki.weak }),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_CERTIFICATE_MISMATCH'));
  });

  it('refuses malformed state with INPUT_INVALID (an Id that would break out of its attribute)', async () => {
    const prepared = await prepareExternalXml(DOC, { certificate, chain });
    const broken: PreparedExternalXml = { ...prepared, id: 'x" onload="' };
    await expect(finishExternalXml(DOC, broken, new Uint8Array(256))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });
});

describe('prepareExternalEgov → finishExternalEgov', () => {
  it('signs kousei.xml: verifyEgovApplication and xmlsec1 (raw-ID form) call it valid', async () => {
    const files = egovFolder();
    const prepared = roundTrip(
      await prepareExternalEgov(files, { certificate, chain, rawIdUri: true, xades: true }),
    );
    const signed = await finishExternalEgov(files, prepared, signDigestInfo(prepared.digestInfo));
    const report = await verifyEgovApplication(signed, trust);
    const dir = mkdtempSync(join(tmpdir(), 'shomei-egov-ext-'));
    for (const [name, bytes] of signed) writeFileSync(join(dir, name), bytes);
    const args = [
      '--id-attr:ID',
      '構成情報',
      '--enabled-reference-uris',
      'same-doc,local,remote',
      ...XADES_ID,
    ];
    expect([
      report.verdict,
      report.egov.unsignedFiles,
      xmlsecVerifiesFile(join(dir, 'kousei.xml'), args),
    ]).toEqual(['valid', [], true]);
  });

  it('refuses to finish when a listed form file changed since prepare', async () => {
    const files = egovFolder();
    const prepared = await prepareExternalEgov(files, { certificate, chain });
    const changed = new Map(files).set('900A01020000100001_01.xml', new TextEncoder().encode('<申請書/>'));
    await expect(
      finishExternalEgov(changed, prepared, signDigestInfo(prepared.digestInfo)),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'));
  });

  it('refuses XML state for an e-Gov finish', async () => {
    const prepared = await prepareExternalXml(DOC, { certificate, chain });
    await expect(finishExternalEgov(egovFolder(), prepared, new Uint8Array(256))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });
});
