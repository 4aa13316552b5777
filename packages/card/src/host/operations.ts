/**
 * What each host command does with the card (spec/jpki-card.md §12 sequences through `JpkiCard`).
 * The signing key only ever signs a hash the user saw in the PIN window; the authentication key only
 * signs the login message built here from the extension-attached origin and the server's nonce
 * (`loginMessage` in @shomei/core), never a hash chosen by the page.
 */
import { encodeLoginToken, loginMessage, toBase64 } from '@shomei/core';
import { hashData } from '../jpki/digest-info.js';
import type { JpkiCard } from '../jpki/jpki-card.js';
import type { HostCommand } from './protocol.js';

/** Opens the card for one request (the host's default: the PC/SC reader holding a JPKI card). */
export type CardOpener = (options: { signal: AbortSignal }) => Promise<JpkiCard>;

export type CardCommand = Exclude<HostCommand, { type: 'hello' } | { type: 'cancel' }>;

export async function runCardCommand(
  command: CardCommand,
  origin: string,
  openCard: CardOpener,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  await using card = await openCard({ signal });
  const call = { signal };
  switch (command.type) {
    case 'status': {
      const info = await card.info(call);
      const pins = await card.pinStatus(call);
      return { reader: info.reader, card: info.kind, pins: { auth: pins.auth, sign: pins.sign } };
    }
    case 'certificate': {
      if (command.key === 'auth') {
        const certificate = await card.readCertificate('auth', call);
        return {
          certificate: toBase64(certificate),
          chain: [toBase64(await card.readCertificate('auth-ca', call))],
        };
      }
      await card.verifyPin('sign', command.pin, { ...call, allowLastAttempt: command.allowLastAttempt });
      const certificate = await card.readCertificate('sign', call);
      return {
        certificate: toBase64(certificate),
        chain: [toBase64(await card.readCertificate('sign-ca', call))],
      };
    }
    case 'sign': {
      // One held session: VERIFY once, then read the (PIN-protected) certificate and sign (spec §4.4).
      await card.verifyPin('sign', command.pin, { ...call, allowLastAttempt: command.allowLastAttempt });
      const certificate = await card.readCertificate('sign', call);
      const signature = await card.sign('sign', { digest: command.hash, hash: command.hashAlgorithm }, call);
      const chain = [toBase64(await card.readCertificate('sign-ca', call))];
      return { signature: toBase64(signature), certificate: toBase64(certificate), chain };
    }
    case 'authenticate': {
      const digest = await hashData('SHA-256', loginMessage(origin, command.challenge));
      const signature = await card.sign(
        'auth',
        { digest, hash: 'SHA-256' },
        { ...call, pin: command.pin, allowLastAttempt: command.allowLastAttempt },
      );
      const certificate = await card.readCertificate('auth', call);
      const token = encodeLoginToken({
        origin,
        nonce: command.challenge,
        hash: 'SHA-256',
        certificate,
        signature,
      });
      return { token, certificate: toBase64(certificate) };
    }
  }
}
