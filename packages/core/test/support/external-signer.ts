/** The "elsewhere" of external signing in tests: the test signer's key signs a ready DigestInfo, as a JPKI card does. */
import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { fromBase64 } from '../../src/der/bytes.js';
import { pki } from '../pki.js';

/** RSASSA-PKCS1-v1_5 over a base64 DigestInfo: the raw private-key operation with type-1 padding. */
export function signDigestInfo(digestInfo: string, key: Uint8Array = pki.signerKey): Uint8Array {
  const k = createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
  return new Uint8Array(
    privateEncrypt({ key: k, padding: constants.RSA_PKCS1_PADDING }, fromBase64(digestInfo)),
  );
}
