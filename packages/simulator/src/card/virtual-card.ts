/**
 * `VirtualJpkiCard`: a virtual JPKI card (spec/jpki-card.md §2–7, §9) — issuance, persistence, power
 * and inspection. It owns a file system (file-system.ts), PIN counters, and two RSA-2048 keys generated
 * inside it that never leave; commands are interpreted by its operating system (operating-system.ts).
 * `transmit` always returns a response of at least 2 bytes and never throws (spec §7 item 13: vpcd
 * treats an empty reply as a disconnect).
 */
import { randomBytes } from 'node:crypto';
import { simulatorError } from '../errors.js';
import { encodeAttributesEf, encodeBasicInfoEf, encodeMyNumberEf } from './assist-data.js';
import { type CardFileJson, decodeCardFile, encodeCardFile } from './card-file.js';
import { CardKey, MODULUS_BYTES } from './card-key.js';
import type { CardState, CertificateSlot } from './card-state.js';
import { type CardConfig, type CardConfigInput, resolveCardConfig } from './config.js';
import { defaultIssuer } from './default-issuer.js';
import { type Applet, assistApplet, JPKI_EF, jpkiApplet, tokenEf } from './file-system.js';
import {
  type CardPins,
  type CardProfile,
  type HolderProfile,
  type PinId,
  validateHolder,
  validatePins,
} from './holder.js';
import type { CertificateIssuer } from './issuer.js';
import { CardOs } from './operating-system.js';

export interface CreateCardOptions {
  holder: HolderProfile;
  pins: CardPins;
  /** Default `mynumber`. */
  profile?: CardProfile;
  config?: CardConfigInput;
  /** Who certifies the keys generated in the card. Default: an in-memory test CA pair (one per process). */
  issuer?: CertificateIssuer;
}

export type PinTries = Record<PinId, number | undefined>;

export class VirtualJpkiCard {
  readonly #state: CardState;
  readonly #applets: readonly Applet[];
  readonly #listeners = new Set<() => void>();
  readonly #os: CardOs;

  private constructor(state: CardState) {
    this.#state = state;
    const c = state.certificates;
    const applets: Applet[] = [
      jpkiApplet({
        signCertificate: c.sign,
        signCaCertificate: c['sign-ca'],
        authCertificate: c.auth,
        authCaCertificate: c['auth-ca'],
        token: tokenEf(state.profile),
      }),
    ];
    // A Juki card predates the My Number and has no card-input-assistance AP.
    if (state.profile === 'mynumber' && state.holder.myNumber) {
      applets.push(
        assistApplet({
          myNumber: encodeMyNumberEf(state.holder.myNumber),
          attributes: encodeAttributesEf(state.holder),
          basicInfo: encodeBasicInfoEf(Uint8Array.of(0x01, 0x00, 0x00, 0x00), state.assistKeyId),
        }),
      );
    }
    this.#applets = applets;
    this.#os = new CardOs(state, applets, () => this.#notify());
  }

  /** Issues a card: key pairs are generated inside it, then certified by `issuer`. */
  static async create(options: CreateCardOptions): Promise<VirtualJpkiCard> {
    const profile = options.profile ?? 'mynumber';
    if (profile !== 'mynumber' && profile !== 'juki') {
      throw simulatorError('HOLDER_PROFILE_INVALID', 'profile must be "mynumber" or "juki".');
    }
    const holder = structuredClone(validateHolder(options.holder, profile));
    const pins = validatePins(options.pins, profile);
    const config = resolveCardConfig(options.config);
    const [authKey, signKey] = await Promise.all([CardKey.generate(), CardKey.generate()]);
    const issuer = options.issuer ?? (await defaultIssuer());
    const [sign, auth] = await Promise.all([
      issuer.issue({ kind: 'sign', publicKey: signKey.publicKey, holder }),
      issuer.issue({ kind: 'auth', publicKey: authKey.publicKey, holder }),
    ]);
    const limits = config.retryLimits;
    return new VirtualJpkiCard({
      profile,
      holder,
      config,
      pins: {
        auth: { value: pins.auth, tries: limits.auth },
        sign: { value: pins.sign, tries: limits.sign },
        assist: { value: profile === 'mynumber' ? pins.assist : '', tries: limits.assist },
      },
      keys: { auth: authKey, sign: signKey },
      certificates: {
        sign: sign.certificate,
        'sign-ca': sign.caCertificate,
        auth: auth.certificate,
        'auth-ca': auth.caCertificate,
      },
      assistKeyId: new Uint8Array(randomBytes(16)),
    });
  }

  /** Restores a card from `save()` output (JSON text or the parsed object); throws CARD_FILE_INVALID. */
  static load(file: string | CardFileJson): VirtualJpkiCard {
    return new VirtualJpkiCard(decodeCardFile(file));
  }

  /** The card file (JSON text): holder, PINs, counters, certificates and the card's test keys. */
  save(): string {
    return `${JSON.stringify(encodeCardFile(this.#state), null, 2)}\n`;
  }

  get atr(): Uint8Array {
    return this.#state.config.atr.slice();
  }

  get profile(): CardProfile {
    return this.#state.profile;
  }

  get holder(): HolderProfile {
    return structuredClone(this.#state.holder);
  }

  get config(): CardConfig {
    return structuredClone(this.#state.config);
  }

  certificate(slot: CertificateSlot): Uint8Array {
    return this.#state.certificates[slot].slice();
  }

  /** Tries left per PIN (`assist` is undefined on a Juki card). */
  pinTries(): PinTries {
    const p = this.#state.pins;
    return { auth: p.auth.tries, sign: p.sign.tries, assist: this.#hasAssist() ? p.assist.tries : undefined };
  }

  /** Called whenever non-volatile state (PIN counters, PIN values) changes, e.g. to save the card file. */
  onPersistentChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cold start (vpcd control 01). Clears volatile state; counters stay (spec §4.4). */
  powerOn(): void {
    this.#os.clearVolatile();
  }

  /** vpcd control 00. */
  powerOff(): void {
    this.#os.clearVolatile();
  }

  /** Warm reset (vpcd control 02). */
  reset(): void {
    this.#os.clearVolatile();
  }

  /** Processes one command APDU; always returns data ‖ SW1 SW2, never throws. */
  transmit(command: Uint8Array): Uint8Array {
    return this.#os.transmit(command);
  }

  #hasAssist(): boolean {
    return this.#applets.some((a) => a.id === 'assist');
  }

  #notify(): void {
    for (const l of this.#listeners) {
      try {
        l();
      } catch {
        // A listener's failure must not change what the card answers.
      }
    }
  }
}

/** Size of every signature the card returns (spec §4.5). */
export const SIGNATURE_LENGTH = MODULUS_BYTES;
export type { CardState, CertificateSlot };
/** The JPKI EF identifiers, re-exported for tests and drivers. */
export { JPKI_EF };
