/**
 * An operator card: the second kind of virtual card, held by counter staff. It keeps an Ed25519 key
 * that signs an authority's challenge only after its own PIN was presented, with a retry counter that
 * blocks the card after three wrong PINs (like the JPKI auth PIN, spec/jpki-card.md §4.2). The PIN is
 * stored only as a salted scrypt hash, and it is never retried, logged or kept beyond the call.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
  scryptSync,
  sign,
  timingSafeEqual,
} from 'node:crypto';
import { simulatorError } from '../errors.js';

/** 4–8 digits. */
export const OPERATOR_PIN_FORMAT = /^[0-9]{4,8}$/;
export const OPERATOR_PIN_TRIES = 3;
const FORMAT = 'shomei-sim-operator-card/1';

export interface OperatorCardFile {
  format: typeof FORMAT;
  operatorId: string;
  name: string;
  /** PKCS#8 PEM of a test key: a virtual card keeps its secrets in its file. */
  key: string;
  pinSalt: string;
  pinHash: string;
  triesLeft: number;
}

function hashPin(pin: string, salt: Buffer): Buffer {
  return scryptSync(pin, salt, 32, { N: 1 << 14 });
}

function checkPinFormat(pin: string): void {
  if (typeof pin !== 'string' || !OPERATOR_PIN_FORMAT.test(pin)) {
    throw simulatorError('OPERATOR_PIN_FORMAT_INVALID');
  }
}

export class OperatorCard {
  readonly operatorId: string;
  readonly name: string;
  readonly #key: KeyObject;
  readonly #salt: Buffer;
  readonly #hash: Buffer;
  #tries: number;
  readonly #listeners = new Set<() => void>();

  private constructor(f: OperatorCardFile) {
    this.operatorId = f.operatorId;
    this.name = f.name;
    this.#key = createPrivateKey({ key: f.key, format: 'pem' });
    this.#salt = Buffer.from(f.pinSalt, 'base64');
    this.#hash = Buffer.from(f.pinHash, 'base64');
    this.#tries = f.triesLeft;
  }

  /** Issues an operator card; the key pair is generated inside it. */
  static create(options: { name: string; pin: string }): OperatorCard {
    checkPinFormat(options.pin);
    if (typeof options.name !== 'string' || options.name.length === 0 || options.name.length > 200) {
      throw simulatorError('USAGE', 'An operator needs a name (1–200 characters).');
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const salt = randomBytes(16);
    return new OperatorCard({
      format: FORMAT,
      operatorId: `op-${randomUUID()}`,
      name: options.name,
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pinSalt: salt.toString('base64'),
      pinHash: hashPin(options.pin, salt).toString('base64'),
      triesLeft: OPERATOR_PIN_TRIES,
    });
  }

  static load(file: string | OperatorCardFile): OperatorCard {
    try {
      const f = (typeof file === 'string' ? JSON.parse(file) : file) as OperatorCardFile;
      if (f.format !== FORMAT || typeof f.operatorId !== 'string' || !Number.isInteger(f.triesLeft)) {
        throw new Error('format');
      }
      return new OperatorCard(f);
    } catch (cause) {
      throw simulatorError('CARD_FILE_INVALID', 'Not a shomei-sim operator card file.', { cause });
    }
  }

  save(): string {
    const f: OperatorCardFile = {
      format: FORMAT,
      operatorId: this.operatorId,
      name: this.name,
      key: this.#key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pinSalt: this.#salt.toString('base64'),
      pinHash: this.#hash.toString('base64'),
      triesLeft: this.#tries,
    };
    return `${JSON.stringify(f, null, 2)}\n`;
  }

  /** SubjectPublicKeyInfo DER of the card's Ed25519 key, registered at enrolment. */
  get publicKey(): Uint8Array {
    return new Uint8Array(createPublicKey(this.#key).export({ type: 'spki', format: 'der' }));
  }

  get triesLeft(): number {
    return this.#tries;
  }

  /** Called when the retry counter changes, e.g. to save the card file. */
  onPersistentChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * VERIFY then INTERNAL AUTHENTICATE: checks the PIN (decrementing the counter on a mismatch, resetting
   * it on a match) and signs the challenge. One attempt per call; the caller never retries.
   */
  authenticate(pin: string, challenge: Uint8Array): Uint8Array {
    if (this.#tries <= 0) throw simulatorError('OPERATOR_CARD_BLOCKED');
    checkPinFormat(pin);
    const ok = timingSafeEqual(hashPin(pin, this.#salt), this.#hash);
    if (!ok) {
      this.#tries -= 1;
      this.#changed();
      if (this.#tries === 0) throw simulatorError('OPERATOR_CARD_BLOCKED');
      throw simulatorError('OPERATOR_PIN_INCORRECT', undefined, {
        details: { remainingAttempts: this.#tries },
      });
    }
    if (this.#tries !== OPERATOR_PIN_TRIES) {
      this.#tries = OPERATOR_PIN_TRIES;
      this.#changed();
    }
    return new Uint8Array(sign(null, challenge, this.#key));
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}
