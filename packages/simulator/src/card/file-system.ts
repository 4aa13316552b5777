/**
 * The card's applications and files as data (spec/jpki-card.md §1.2, §2, §9). The operating system in
 * virtual-card.ts interprets these tables; nothing here knows about APDUs.
 */
import type { PinId } from './holder.js';

export type KeyId = 'auth' | 'sign';

export type ElementaryFile =
  /** A transparent EF; `readPin` is the PIN that must be verified before READ BINARY. */
  | { kind: 'binary'; data: Uint8Array; readPin?: PinId }
  | { kind: 'pin'; pin: PinId }
  /** A private-key EF: selected before COMPUTE DIGITAL SIGNATURE, which needs `pin`. */
  | { kind: 'key'; key: KeyId; pin: PinId };

export type AppletId = 'jpki' | 'assist';

export interface Applet {
  readonly id: AppletId;
  readonly aid: Uint8Array;
  readonly files: ReadonlyMap<number, ElementaryFile>;
}

/** JPKI AP (公的個人認証AP), spec §1.2 [C]. */
export const JPKI_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01);
/** Card-input-assistance AP (券面事項入力補助AP), spec §1.2 [C]. */
export const ASSIST_AID = Uint8Array.of(0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08);

/** JPKI AP EF identifiers, spec §2. */
export const JPKI_EF = {
  signCert: 0x0001,
  signCaCert: 0x0002,
  token: 0x0006,
  authCert: 0x000a,
  authCaCert: 0x000b,
  authKey: 0x0017,
  authPin: 0x0018,
  signKey: 0x001a,
  signPin: 0x001b,
} as const;

/** Card-input-assistance AP EF identifiers, spec §9. */
export const ASSIST_EF = { myNumber: 0x0001, attributes: 0x0002, basicInfo: 0x0005, pin: 0x0011 } as const;

export interface JpkiContents {
  signCertificate: Uint8Array;
  signCaCertificate: Uint8Array;
  authCertificate: Uint8Array;
  authCaCertificate: Uint8Array;
  /** EF 0006 contents: exactly 32 bytes. */
  token: Uint8Array;
}

export function jpkiApplet(c: JpkiContents): Applet {
  const files = new Map<number, ElementaryFile>([
    // spec §2: EF 0001 readable only after the sign PIN [C]; the others always.
    [JPKI_EF.signCert, { kind: 'binary', data: c.signCertificate, readPin: 'sign' }],
    [JPKI_EF.signCaCert, { kind: 'binary', data: c.signCaCertificate }],
    [JPKI_EF.token, { kind: 'binary', data: c.token }],
    [JPKI_EF.authCert, { kind: 'binary', data: c.authCertificate }],
    [JPKI_EF.authCaCert, { kind: 'binary', data: c.authCaCertificate }],
    [JPKI_EF.authKey, { kind: 'key', key: 'auth', pin: 'auth' }],
    [JPKI_EF.authPin, { kind: 'pin', pin: 'auth' }],
    [JPKI_EF.signKey, { kind: 'key', key: 'sign', pin: 'sign' }],
    [JPKI_EF.signPin, { kind: 'pin', pin: 'sign' }],
  ]);
  return { id: 'jpki', aid: JPKI_AID, files };
}

export interface AssistContents {
  myNumber: Uint8Array;
  attributes: Uint8Array;
  basicInfo: Uint8Array;
}

export function assistApplet(c: AssistContents): Applet {
  const files = new Map<number, ElementaryFile>([
    // spec §9: VERIFY EF 0011 before reading 0001/0002 [C]; 0005 is readable without PIN.
    [ASSIST_EF.myNumber, { kind: 'binary', data: c.myNumber, readPin: 'assist' }],
    [ASSIST_EF.attributes, { kind: 'binary', data: c.attributes, readPin: 'assist' }],
    [ASSIST_EF.basicInfo, { kind: 'binary', data: c.basicInfo }],
    [ASSIST_EF.pin, { kind: 'pin', pin: 'assist' }],
  ]);
  return { id: 'assist', aid: ASSIST_AID, files };
}

/** EF 0006: the token name padded with spaces to 32 bytes (spec §1.3 [C]). */
export function tokenEf(profile: 'mynumber' | 'juki'): Uint8Array {
  const name = profile === 'mynumber' ? 'JPKIAPICCTOKEN2' : 'JPKIAPICCTOKEN';
  const out = new Uint8Array(32).fill(0x20);
  out.set(new TextEncoder().encode(name), 0);
  return out;
}
