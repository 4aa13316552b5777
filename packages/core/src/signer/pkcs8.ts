/**
 * A `Signer` from PKCS#8 private-key bytes (RFC 5208 / RFC 5958). Browser-safe: reading the key file
 * is `loadPkcs8Signer` in `@shomei/core/node`. The key is imported non-extractable into WebCrypto.
 */

import { subtleCrypto } from '../cms/hasher.js';
import { derObjects } from '../der/pem.js';
import { children, expectTag, readOid, readRoot, Tag } from '../der/reader.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName, Signer } from '../signer.js';
import { curveByOid, keyTypeOf } from '../x509/algorithms.js';
import { cryptoKeySigner } from './crypto-key.js';

export interface Pkcs8SignerOptions {
  chain?: readonly Uint8Array[];
  /** Hash the signer signs with. Default SHA-256. */
  hash?: HashAlgorithmName;
}

type ImportParams = RsaHashedImportParams | EcKeyImportParams;

/** Reads PrivateKeyInfo's privateKeyAlgorithm to choose the WebCrypto import parameters. */
function importParams(der: Uint8Array, hash: HashAlgorithmName): ImportParams {
  const root = readRoot(der);
  const [version, algorithm] = children(der, expectTag(root, Tag.SEQUENCE, 'PrivateKeyInfo'));
  if (!version || !algorithm) throw coreError('SIGNER_KEY_INVALID', 'PrivateKeyInfo is truncated.');
  const [oid, params] = children(der, expectTag(algorithm, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  const keyOid = oid ? readOid(der, oid) : '';
  const keyType = keyTypeOf(keyOid);
  if (keyType === 'RSA') return { name: 'RSASSA-PKCS1-v1_5', hash };
  if (keyType === 'EC' && params?.tag === Tag.OID) {
    const curve = curveByOid(readOid(der, params));
    if (curve) return { name: 'ECDSA', namedCurve: curve.name };
  }
  throw coreError(
    'SIGNER_KEY_INVALID',
    `The PKCS#8 key has algorithm ${keyOid || 'unknown'}: use an RSA key or an EC key on P-256/384/521.`,
  );
}

/** Imports an unencrypted PKCS#8 key (DER, or PEM "PRIVATE KEY") and pairs it with its certificate. */
export async function pkcs8Signer(
  pkcs8: Uint8Array,
  certificate: Uint8Array,
  options: Pkcs8SignerOptions = {},
): Promise<Signer> {
  const hash = options.hash ?? 'SHA-256';
  let der: Uint8Array;
  let params: ImportParams;
  try {
    der = derObjects(pkcs8, ['PRIVATE KEY'])[0]!;
    params = importParams(der, hash);
  } catch (cause) {
    if ((cause as { code?: string }).code === 'SIGNER_KEY_INVALID') throw cause;
    throw coreError(
      'SIGNER_KEY_INVALID',
      'The key is not an unencrypted PKCS#8 PrivateKeyInfo (PEM "BEGIN PRIVATE KEY" or DER). Convert it with `openssl pkcs8 -topk8 -nocrypt`.',
      { cause },
    );
  }
  let key: CryptoKey;
  try {
    key = await subtleCrypto().importKey('pkcs8', der as Uint8Array<ArrayBuffer>, params, false, ['sign']);
  } catch (cause) {
    throw coreError('SIGNER_KEY_INVALID', 'WebCrypto could not import the PKCS#8 key.', { cause });
  }
  const certDer = derObjects(certificate, ['CERTIFICATE'])[0]!;
  return cryptoKeySigner(key, certDer, { ...(options.chain ? { chain: options.chain } : {}), hash });
}
