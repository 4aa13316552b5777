/** A `Signer` over a WebCrypto `CryptoKey` (design.md §2): works in browsers and Node alike. */

import { subtleCrypto } from '../cms/hasher.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { HashAlgorithmName, Signer, SignerAlgorithm } from '../signer.js';
import { isHashAlgorithmName } from '../x509/algorithms.js';

export interface CryptoKeySignerOptions {
  /** DER certificates of the issuing chain, leaf's issuer first. */
  chain?: readonly Uint8Array[];
  /** For ECDSA keys, the hash to sign with (an RSA key's hash is fixed when it is imported). Default SHA-256. */
  hash?: HashAlgorithmName;
}

/**
 * A WebCrypto private key as this API needs it, described by shape so that the published types need
 * no DOM library: a browser's `CryptoKey` and Node's `webcrypto.CryptoKey` are both one.
 */
export interface WebCryptoKey {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

function algorithmOf(key: WebCryptoKey, options: CryptoKeySignerOptions): SignerAlgorithm {
  const alg = key.algorithm as RsaHashedKeyAlgorithm | EcKeyAlgorithm;
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    const hash = (alg as RsaHashedKeyAlgorithm).hash.name;
    if (!isHashAlgorithmName(hash)) {
      throw coreError(
        'SIGNER_KEY_INVALID',
        `The RSA key was imported with hash ${hash}; use SHA-256/384/512.`,
      );
    }
    if (options.hash && options.hash !== hash) {
      throw coreError(
        'SIGNER_KEY_INVALID',
        `The RSA key was imported for ${hash}; re-import it with hash ${options.hash} to sign with that hash.`,
      );
    }
    return { name: 'RSASSA-PKCS1-v1_5', input: 'data', hash: hash as HashAlgorithmName };
  }
  if (alg.name === 'ECDSA') return { name: 'ECDSA', input: 'data', hash: options.hash ?? 'SHA-256' };
  throw coreError(
    'SIGNER_KEY_INVALID',
    `A ${alg.name} key cannot sign CMS here: use an RSASSA-PKCS1-v1_5 or ECDSA private key.`,
  );
}

/**
 * Wraps a private `CryptoKey` (RSASSA-PKCS1-v1_5 or ECDSA, usage `sign`) with its certificate.
 * ECDSA signatures come back as WebCrypto produces them (r‖s, IEEE P1363); `signCms` encodes them.
 */
export function cryptoKeySigner(
  key: WebCryptoKey,
  certificate: Uint8Array,
  options: CryptoKeySignerOptions = {},
): Signer {
  if (key.type !== 'private' || !key.usages.includes('sign')) {
    throw coreError('SIGNER_KEY_INVALID', 'The CryptoKey must be a private key with the "sign" usage.');
  }
  const algorithm = algorithmOf(key, options);
  return {
    certificate,
    ...(options.chain ? { chain: options.chain } : {}),
    algorithm,
    async sign(input, signOptions) {
      throwIfAborted(signOptions?.signal);
      const params: AlgorithmIdentifier | EcdsaParams =
        algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: algorithm.hash } : { name: algorithm.name };
      try {
        return new Uint8Array(
          await subtleCrypto().sign(params, key as CryptoKey, input as Uint8Array<ArrayBuffer>),
        );
      } catch (cause) {
        throw coreError('SIGNER_FAILED', 'WebCrypto refused to sign with this key.', { cause });
      }
    },
  };
}
