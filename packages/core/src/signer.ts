/**
 * `Signer`: the one way core talks to a private key (design.md §2). A card key, a WebCrypto
 * `CryptoKey` and a PKCS#8 file all become a Signer; core never sees key material.
 */

export type HashAlgorithmName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * What `sign()` expects as input.
 * - `digest-info`: the DER DigestInfo of the to-be-signed bytes (RFC 8017 §9.2); the signer applies
 *   PKCS#1 v1.5 padding and the private-key operation. This is how a JPKI card works (spec §3.1), and
 *   the caller chooses the hash.
 * - `data`: the to-be-signed bytes themselves; the signer hashes them with its fixed `hash`.
 */
export type SignerAlgorithm =
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly input: 'digest-info' }
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly input: 'data'; readonly hash: HashAlgorithmName }
  | { readonly name: 'ECDSA'; readonly input: 'data'; readonly hash: HashAlgorithmName };

export interface SignOptions {
  signal?: AbortSignal;
  /**
   * The hash of the input: for a `digest-info` signer, the hash whose DigestInfo `input` is (core
   * always passes it, so a signer never has to recognise the hash from the bytes); for a `data`
   * signer, its own `algorithm.hash`.
   */
  hash?: HashAlgorithmName;
}

export interface Signer {
  /** DER X.509 certificate of the signing key. */
  readonly certificate: Uint8Array;
  /** DER certificates of the issuing chain (leaf's issuer first), embedded in signatures when given. */
  readonly chain?: readonly Uint8Array[];
  readonly algorithm: SignerAlgorithm;
  /** Signs a DigestInfo or the to-be-signed data, as `algorithm.input` says. Returns the raw signature. */
  sign(input: Uint8Array, options?: SignOptions): Promise<Uint8Array>;
}
