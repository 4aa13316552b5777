import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { fromBase64 } from '../der/bytes.js';
import { hasErrorCode } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { finishExternalCms, prepareExternalCms } from './external.js';
import { verifyCms } from './verify.js';

const content = new TextEncoder().encode('申請書: ブラウザで署名する\n');
let signer: Signer;

/** The "elsewhere" of the flow: a key that signs a DigestInfo, as the card does. */
async function signDigestInfo(digestInfo: string): Promise<Uint8Array> {
  const key = createPrivateKey({ key: Buffer.from(pki.signerKey), format: 'der', type: 'pkcs8' });
  // RSASSA-PKCS1-v1_5 over a ready DigestInfo is the raw private-key operation with type-1 padding.
  return new Uint8Array(
    privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, fromBase64(digestInfo)),
  );
}

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
});
