import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { signDigestInfo as signWithTestKey } from '../../test/support/external-signer.js';
import { hasErrorCode } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { finishExternalCms, prepareExternalCms } from './external.js';
import { verifyCms } from './verify.js';

const content = new TextEncoder().encode('申請書: ブラウザで署名する\n');
let signer: Signer;

/** The "elsewhere" of the flow: a key that signs a DigestInfo, as the card does. */
const signDigestInfo = async (digestInfo: string) => signWithTestKey(digestInfo);

beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
});

describe('prepare → sign the digest elsewhere → finish', () => {
  it.each([false, true])('makes a SignedData verifyCms accepts (detached: %s)', async (detached) => {
    const prepared = await prepareExternalCms(content, {
      certificate: signer.certificate,
      chain: signer.chain ?? [],
      detached,
    });
    const p7s = await finishExternalCms(
      content,
      JSON.parse(JSON.stringify(prepared)),
      await signDigestInfo(prepared.digestInfo),
    );
    const report = await verifyCms(p7s, {
      trustAnchors: [pki.root],
      revocation: 'off',
      ...(detached ? { content } : {}),
    });
    expect([report.verdict, report.signingTime]).toEqual(['valid', prepared.signingTime]);
  });

  it('refuses a signature over another document', async () => {
    const prepared = await prepareExternalCms(content, { certificate: signer.certificate });
    const other = await prepareExternalCms(new TextEncoder().encode('another'), {
      certificate: signer.certificate,
    });
    await expect(
      finishExternalCms(content, prepared, await signDigestInfo(other.digestInfo)),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'));
  });

  it('refuses to finish over changed content', async () => {
    const prepared = await prepareExternalCms(content, { certificate: signer.certificate });
    const signature = await signDigestInfo(prepared.digestInfo);
    await expect(
      finishExternalCms(new TextEncoder().encode('changed'), prepared, signature),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'));
  });

  it('refuses a returned certificate other than the prepared one', async () => {
    const prepared = await prepareExternalCms(content, { certificate: signer.certificate });
    await expect(
      finishExternalCms(content, prepared, await signDigestInfo(prepared.digestInfo), {
        certificate: pki.intermediate,
      }),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_CERTIFICATE_MISMATCH'));
  });

  it('refuses malformed prepared state with INPUT_INVALID', async () => {
    const prepared = await prepareExternalCms(content, { certificate: signer.certificate });
    const broken = { ...prepared, chain: 'not a list' } as unknown as typeof prepared;
    await expect(finishExternalCms(content, broken, new Uint8Array(256))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });
});
