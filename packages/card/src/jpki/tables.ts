/**
 * The JPKI card as data (style.md: "jpki/ is small and declarative"): applications, files, PIN rules
 * and token names. Every row cites spec/jpki-card.md.
 */

export type PinKind = 'auth' | 'sign' | 'assist';
export type CertificateKind = 'auth' | 'auth-ca' | 'sign' | 'sign-ca';
export type KeyKind = 'auth' | 'sign';
export type ApName = 'jpki' | 'assist';

/** §1.2 Applications (DF names). */
export const AIDS: Readonly<Record<ApName, Uint8Array>> = {
  /** 公的個人認証AP */
  jpki: Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01),
  /** 券面事項入力補助AP (card-input assistance) */
  assist: Uint8Array.of(0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08),
};

/** §2 JPKI AP elementary files. */
export const JPKI_EF = {
  signCertificate: 0x0001,
  signCaCertificate: 0x0002,
  tokenInfo: 0x0006,
  authCertificate: 0x000a,
  authCaCertificate: 0x000b,
  authKey: 0x0017,
  authPin: 0x0018,
  signKey: 0x001a,
  signPin: 0x001b,
} as const;

/** §9 card-input-assistance AP elementary files. */
export const ASSIST_EF = {
  myNumber: 0x0001,
  attributes: 0x0002,
  pin: 0x0011,
} as const;

export interface PinRule {
  readonly kind: PinKind;
  /** For messages: what the card and the holder call it. */
  readonly label: string;
  readonly ap: ApName;
  readonly ef: number;
  readonly maxTries: number;
  /** Accepted after normalization (§4.2). */
  readonly pattern: RegExp;
  /** The rule in words, for PIN_FORMAT_INVALID (never the PIN). */
  readonly rule: string;
  /** §4.2: clients upper-case the signature password before sending. */
  readonly upperCase: boolean;
}

/** §4.2 PIN policy. */
export const PIN_RULES: Readonly<Record<PinKind, PinRule>> = {
  auth: {
    kind: 'auth',
    label: 'user-authentication PIN (利用者証明用暗証番号)',
    ap: 'jpki',
    ef: JPKI_EF.authPin,
    maxTries: 3,
    pattern: /^[0-9]{4}$/,
    rule: 'exactly 4 digits',
    upperCase: false,
  },
  sign: {
    kind: 'sign',
    label: 'signature password (署名用パスワード)',
    ap: 'jpki',
    ef: JPKI_EF.signPin,
    maxTries: 5,
    pattern: /^[A-Z0-9]{6,16}$/,
    rule: '6 to 16 characters, letters A–Z and digits 0–9',
    upperCase: true,
  },
  assist: {
    kind: 'assist',
    label: 'card-input-assistance PIN (券面事項入力補助用暗証番号)',
    ap: 'assist',
    ef: ASSIST_EF.pin,
    // §4.2: the limit is [U] (3 typical); only used for display, the card's counter is authoritative.
    maxTries: 3,
    pattern: /^[0-9]{4}$/,
    rule: 'exactly 4 digits',
    upperCase: false,
  },
};

export interface CertificateFile {
  readonly kind: CertificateKind;
  readonly ef: number;
  /** §2: EF 0001 is readable only after the signature password was verified. */
  readonly pin: PinKind | undefined;
  /** §11: the signing certificate carries the four facts (personal data). */
  readonly personal: boolean;
}

/** §2 certificate EFs. */
export const CERTIFICATES: Readonly<Record<CertificateKind, CertificateFile>> = {
  auth: { kind: 'auth', ef: JPKI_EF.authCertificate, pin: undefined, personal: false },
  'auth-ca': { kind: 'auth-ca', ef: JPKI_EF.authCaCertificate, pin: undefined, personal: false },
  sign: { kind: 'sign', ef: JPKI_EF.signCertificate, pin: 'sign', personal: true },
  'sign-ca': { kind: 'sign-ca', ef: JPKI_EF.signCaCertificate, pin: undefined, personal: false },
};

/** §2, §4.4: a key EF and the PIN that unlocks it. */
export const KEYS: Readonly<Record<KeyKind, { readonly ef: number; readonly pin: PinKind }>> = {
  auth: { ef: JPKI_EF.authKey, pin: 'auth' },
  sign: { ef: JPKI_EF.signKey, pin: 'sign' },
};

export type CardKind = 'mynumber-card' | 'juki-card' | 'smartphone-android' | 'smartphone-ios' | 'unknown';

/** §1.3 token names in EF 0006 (32 bytes, space padded). */
export const TOKENS: Readonly<Record<string, CardKind>> = {
  JPKIAPICCTOKEN2: 'mynumber-card',
  JPKIAPICCTOKEN: 'juki-card',
  JPKIAPGPSETOKEN: 'smartphone-android',
  JPKIAPIOSTOKEN: 'smartphone-ios',
};

/** §1.3: readers read 0x20 bytes of EF 0006. */
export const TOKEN_INFO_LENGTH = 0x20;

/** §9: clients read 17 bytes of the My Number EF (`FF 10 0C` + 12 digits, then unknown bytes). */
export const MY_NUMBER_READ_LENGTH = 17;

/** §4.5: RSA-2048 signatures are exactly 256 bytes. */
export const SIGNATURE_LENGTH = 256;

/** COMPUTE DIGITAL SIGNATURE, §3.1: CLA 80, INS 2A, P1 00, P2 80, Le 00 (256). */
export const COMPUTE_DIGITAL_SIGNATURE = { cla: 0x80, ins: 0x2a, p1: 0x00, p2: 0x80, le: 256 } as const;

export function cardKindOfToken(token: string): CardKind {
  return TOKENS[token] ?? 'unknown';
}
