/**
 * Signing one file with the card's signature key (署名用電子証明書) into a CMS SignedData (`.p7s`).
 * The card does the private-key operation; core builds the CAdES-BES structure around it.
 */
import type { JpkiCard } from '@shomei/card';
import { fileSource, signCms } from '@shomei/core/node';

export interface SignFileOptions {
  /** The file to sign. It is streamed, so its size does not matter. */
  file: string;
  /** An open card session (a real reader, or a virtual card in tests). */
  card: JpkiCard;
  /**
   * Asks for the signature password once. It goes straight to the card (one VERIFY) and is not kept:
   * the session stays verified until `card.close()`.
   */
  readPin: () => Promise<string>;
  /** Leave the content out of the `.p7s` (the verifier needs the file beside it). Default false. */
  detached?: boolean;
  /** Use the last PIN try deliberately (otherwise the driver refuses when one try is left). */
  allowLastAttempt?: boolean;
  onProgress?: (bytesHashed: number) => void;
  signal?: AbortSignal;
}

/** Returns the DER `.p7s` bytes. */
export async function signFileWithCard(options: SignFileOptions): Promise<Uint8Array> {
  const { card, signal } = options;
  // `{ pin }`: one VERIFY now, then the signing certificate and the signature use the verified state.
  // (`{ pinProvider }` would ask twice: once to read the certificate, once to sign.)
  const signer = await card.toSigner('sign', {
    pin: await options.readPin(),
    ...(options.allowLastAttempt ? { allowLastAttempt: true } : {}),
    ...(signal ? { signal } : {}),
  });
  return signCms(fileSource(options.file), signer, {
    detached: options.detached ?? false,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(signal ? { signal } : {}),
  });
}
