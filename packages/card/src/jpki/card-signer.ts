/**
 * A JPKI card key as core's `Signer` (design.md §2): core hands over a DER DigestInfo and the card
 * pads and signs it (spec §3.1), so the algorithm is `{ RSASSA-PKCS1-v1_5, input: 'digest-info' }`.
 *
 * PIN handling:
 * - `{ pinProvider }` (preferred): asked for the PIN on every signature; the PIN is verified and used
 *   in one card operation and dropped.
 * - `{ pin }`: the PIN is verified once, here, and not kept; the session holds the card's verified
 *   state (exclusively) until the card is closed. Another operation that switches applications
 *   (e.g. `readAttributes`) ends that state; signing then fails with PIN_REQUIRED.
 * - `certificate` (optional): the key's certificate, when the caller already has it (read earlier,
 *   or kept by the application). With `{ pinProvider }` and the sign key this saves the PIN prompt
 *   that reading the signing certificate needs (spec §2: EF 0001 is PIN-protected). The first
 *   signature is checked against it, so a certificate of another card ends in CERTIFICATE_MISMATCH
 *   instead of signatures nobody can verify.
 */
import { createPublicKey, publicDecrypt } from 'node:crypto';
import {
  bytesEqual,
  parseCertificate,
  type Signer,
  type SignerAlgorithm,
  type SignOptions,
} from '@shomei/core';
import { cardError } from '../errors.js';
import type { PinOptions } from './card-types.js';
import type { JpkiCard } from './jpki-card.js';
import { checkDigestInfo } from './sign-input.js';
import type { KeyKind } from './tables.js';

export type PinProvider = (request: { kind: KeyKind; signal?: AbortSignal }) => Promise<string> | string;

export type SignerPinSource = ({ pin: string } | { pinProvider: PinProvider }) &
  PinOptions & { certificate?: Uint8Array };

const ALGORITHM: SignerAlgorithm = { name: 'RSASSA-PKCS1-v1_5', input: 'digest-info' };

export async function cardSigner(card: JpkiCard, kind: KeyKind, source: SignerPinSource): Promise<Signer> {
  if (kind !== 'auth' && kind !== 'sign')
    throw cardError('INPUT_INVALID', 'The key must be "auth" or "sign".');
  const { signal, allowLastAttempt } = source;
  const pinOptions = { ...(signal ? { signal } : {}), ...(allowLastAttempt ? { allowLastAttempt } : {}) };
  const caKind = kind === 'sign' ? 'sign-ca' : 'auth-ca';
  let certificate: Uint8Array;
  let provider: PinProvider | undefined;
  const given = source.certificate;
  if ('pinProvider' in source && typeof source.pinProvider === 'function') {
    provider = source.pinProvider;
    certificate = given
      ? given
      : kind === 'sign'
        ? await card.readCertificate('sign', {
            ...pinOptions,
            pin: await provider({ kind, ...(signal ? { signal } : {}) }),
          })
        : await card.readCertificate('auth', pinOptions);
  } else if ('pin' in source) {
    await card.verifyPin(kind, source.pin, pinOptions);
    certificate = given ?? (await card.readCertificate(kind, pinOptions));
  } else {
    throw cardError('PIN_REQUIRED', 'toSigner() needs { pin } or { pinProvider }.');
  }
  const chain = [await card.readCertificate(caKind, pinOptions)];
  let checked = false;
  return {
    certificate,
    chain,
    algorithm: ALGORITHM,
    async sign(input: Uint8Array, options: SignOptions = {}): Promise<Uint8Array> {
      // Checked before the PIN is asked for: a wrong input costs the holder nothing.
      checkDigestInfo(input, options.hash);
      const callSignal = options.signal ?? signal;
      // The hash comes with the call (core's Signer contract); the card checks the DigestInfo against it.
      const base = {
        ...(callSignal ? { signal: callSignal } : {}),
        ...(allowLastAttempt ? { allowLastAttempt } : {}),
        ...(options.hash ? { hash: options.hash } : {}),
      };
      let signature: Uint8Array;
      if (!provider) signature = await card.signDigestInfo(kind, input, base);
      else {
        const pin = await provider({ kind, ...(callSignal ? { signal: callSignal } : {}) });
        signature = await card.signDigestInfo(kind, input, { ...base, pin });
      }
      if (given && !checked) {
        checkSignatureMatches(certificate, input, signature);
        checked = true;
      }
      return signature;
    },
  };
}

/**
 * The card signed `digestInfo` (PKCS#1 v1.5 type 1, spec §3.1); recovering it with the given
 * certificate's public key shows whether that certificate belongs to this card's key.
 */
function checkSignatureMatches(certificate: Uint8Array, digestInfo: Uint8Array, signature: Uint8Array): void {
  let recovered: Uint8Array | undefined;
  try {
    const spki = Buffer.from(parseCertificate(certificate).spki);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    recovered = new Uint8Array(publicDecrypt(key, signature));
  } catch {
    // An unreadable certificate or key, or a signature the key cannot open: not this card's certificate.
    recovered = undefined;
  }
  if (!recovered || !bytesEqual(recovered, digestInfo)) {
    throw cardError(
      'CERTIFICATE_MISMATCH',
      'The certificate given to toSigner() does not belong to the key on this card; the signature was discarded.',
    );
  }
}
