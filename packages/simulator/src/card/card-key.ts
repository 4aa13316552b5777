/**
 * An RSA-2048 private key that lives inside the virtual card. The only operation offered is the card's
 * COMPUTE DIGITAL SIGNATURE: EMSA-PKCS1-v1_5 type-01 padding of the received DigestInfo followed by
 * the RSA private operation (spec/jpki-card.md §3.1 notes, §4.5). Nothing returns the private key,
 * except the card-file encoder, which writes it as a test key (card-file.ts).
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  privateEncrypt,
} from 'node:crypto';

/** RSA-2048 only: OpenSC refuses any other size (spec §4.5 [C]). */
export const MODULUS_BYTES = 256;
/** PKCS#1 v1.5 (RFC 8017 §9.2 step 3): at most k − 11 bytes of input. */
export const MAX_SIGN_INPUT = MODULUS_BYTES - 11;

export class CardKey {
  readonly #key: KeyObject;
  /** SubjectPublicKeyInfo DER of the matching public key. */
  readonly publicKey: Uint8Array;

  private constructor(key: KeyObject) {
    this.#key = key;
    this.publicKey = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  }

  /** Generates a fresh key pair (RSA-2048, e = 65537, as the J-LIS keys, spec §11). */
  static async generate(): Promise<CardKey> {
    const { privateKey } = await new Promise<{ privateKey: KeyObject }>((resolve, reject) =>
      generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, (err, _pub, priv) =>
        err ? reject(err) : resolve({ privateKey: priv }),
      ),
    );
    return new CardKey(privateKey);
  }

  /** Reads a key from a card file; returns undefined unless it is an RSA-2048 private key. */
  static fromCardFilePem(pem: string): CardKey | undefined {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } catch {
      return undefined;
    }
    if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) return undefined;
    return new CardKey(key);
  }

  /** PKCS#8 PEM for the card file only (its keys are test keys, marked as such in the file). */
  static toCardFilePem(k: CardKey): string {
    return k.#key.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  /**
   * `00 01 FF…FF 00 ‖ input`, then the private operation; always 256 bytes, deterministic.
   * `privateEncrypt` with RSA_PKCS1_PADDING is exactly that type-01 padding (RFC 8017 §9.2 step 5).
   * The caller checks 1 ≤ input.length ≤ MAX_SIGN_INPUT.
   */
  sign(input: Uint8Array): Uint8Array {
    const out = privateEncrypt({ key: this.#key, padding: constants.RSA_PKCS1_PADDING }, input);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}
