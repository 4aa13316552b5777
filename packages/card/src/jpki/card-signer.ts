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
 */
import type { Signer, SignerAlgorithm, SignOptions } from '@shomei/core';
import { cardError } from '../errors.js';
import type { PinOptions } from './card-types.js';
import type { JpkiCard } from './jpki-card.js';
import type { KeyKind } from './tables.js';

export type PinProvider = (request: { kind: KeyKind; signal?: AbortSignal }) => Promise<string> | string;

export type SignerPinSource = ({ pin: string } | { pinProvider: PinProvider }) & PinOptions;

const ALGORITHM: SignerAlgorithm = { name: 'RSASSA-PKCS1-v1_5', input: 'digest-info' };

export async function cardSigner(card: JpkiCard, kind: KeyKind, source: SignerPinSource): Promise<Signer> {
  if (kind !== 'auth' && kind !== 'sign')
    throw cardError('INPUT_INVALID', 'The key must be "auth" or "sign".');
  const { signal, allowLastAttempt } = source;
  const pinOptions = { ...(signal ? { signal } : {}), ...(allowLastAttempt ? { allowLastAttempt } : {}) };
  const caKind = kind === 'sign' ? 'sign-ca' : 'auth-ca';
  let certificate: Uint8Array;
  let provider: PinProvider | undefined;
  if ('pinProvider' in source && typeof source.pinProvider === 'function') {
    provider = source.pinProvider;
    certificate =
      kind === 'sign'
        ? await card.readCertificate('sign', {
            ...pinOptions,
            pin: await provider({ kind, ...(signal ? { signal } : {}) }),
          })
        : await card.readCertificate('auth', pinOptions);
  } else if ('pin' in source) {
    await card.verifyPin(kind, source.pin, pinOptions);
    certificate = await card.readCertificate(kind, pinOptions);
  } else {
    throw cardError('PIN_REQUIRED', 'toSigner() needs { pin } or { pinProvider }.');
  }
  const chain = [await card.readCertificate(caKind, pinOptions)];
  return {
    certificate,
    chain,
    algorithm: ALGORITHM,
    async sign(input: Uint8Array, options: SignOptions = {}): Promise<Uint8Array> {
      const callSignal = options.signal ?? signal;
      const base = {
        ...(callSignal ? { signal: callSignal } : {}),
        ...(allowLastAttempt ? { allowLastAttempt } : {}),
      };
      if (!provider) return card.signDigestInfo(kind, input, base);
      const pin = await provider({ kind, ...(callSignal ? { signal: callSignal } : {}) });
      return card.signDigestInfo(kind, input, { ...base, pin });
    },
  };
}
