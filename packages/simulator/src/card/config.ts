/**
 * Behaviour of the virtual card where the real card is unknown. Everything spec/jpki-card.md marks [U]
 * is an option here, with the default that OpenSC 0.23 and the other known clients accept (spec §14
 * item 7).
 */
import { simulatorError } from '../errors.js';

export interface CardConfig {
  /** Answer To Reset. Default `3B E0 00 FF 81 31 FE 45 14`, the ATR in OpenSC's jpki table (spec §1.1, §7 item 1). */
  atr: Uint8Array;
  /**
   * SW for VERIFY on a blocked PIN: `0x6983` (default; OpenSC maps it to CKR_PIN_LOCKED) or `0x6984`
   * (what old myna code checks for). spec §4.1, §4.4 [U].
   */
  blockedPinSw: 0x6983 | 0x6984;
  /**
   * Whether SELECT of the JPKI AP clears the verified PINs. Default true: OpenSC ≥ 0.24 implements
   * C_Logout as re-selecting the AP (spec §4.4 [U]); pyjpki would need false (spec §8).
   */
  clearVerificationOnSelectAp: boolean;
  /** Whether SELECT with P2=00 returns an FCI template (spec §3.1 [U]). Default false: `90 00` only. */
  fciOnSelect: boolean;
  /** Whether GET CHALLENGE `00 84` is supported (spec §3.1 [U]). Default true (OpenSC's C_GenerateRandom). */
  getChallenge: boolean;
  /** PIN try limits (spec §4.2): auth 3 and sign 5 [C]; card-input-assistance 3 [U]. */
  retryLimits: { auth: number; sign: number; assist: number };
}

export const DEFAULT_ATR = Uint8Array.of(0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14);

export function defaultCardConfig(): CardConfig {
  return {
    atr: DEFAULT_ATR.slice(),
    blockedPinSw: 0x6983,
    clearVerificationOnSelectAp: true,
    fciOnSelect: false,
    getChallenge: true,
    retryLimits: { auth: 3, sign: 5, assist: 3 },
  };
}

export type CardConfigInput = Partial<Omit<CardConfig, 'retryLimits'>> & {
  retryLimits?: Partial<CardConfig['retryLimits']>;
};

/** Fills defaults and checks ranges; throws CARD_CONFIG_INVALID. */
export function resolveCardConfig(input: CardConfigInput = {}): CardConfig {
  const d = defaultCardConfig();
  const config: CardConfig = {
    atr: input.atr ? Uint8Array.from(input.atr) : d.atr,
    blockedPinSw: input.blockedPinSw ?? d.blockedPinSw,
    clearVerificationOnSelectAp: input.clearVerificationOnSelectAp ?? d.clearVerificationOnSelectAp,
    fciOnSelect: input.fciOnSelect ?? d.fciOnSelect,
    getChallenge: input.getChallenge ?? d.getChallenge,
    retryLimits: { ...d.retryLimits, ...stripUndefined(input.retryLimits ?? {}) },
  };
  // ISO 7816-3 §8.2.1: an ATR is 2..33 bytes and starts with TS = 3B (direct) or 3F (inverse).
  if (config.atr.length < 2 || config.atr.length > 33 || (config.atr[0] !== 0x3b && config.atr[0] !== 0x3f)) {
    throw simulatorError('CARD_CONFIG_INVALID', 'The ATR must be 2–33 bytes starting with 3B or 3F.');
  }
  if (config.blockedPinSw !== 0x6983 && config.blockedPinSw !== 0x6984) {
    throw simulatorError('CARD_CONFIG_INVALID', 'blockedPinSw must be 0x6983 or 0x6984.');
  }
  for (const [name, limit] of Object.entries(config.retryLimits)) {
    // `63 Cx` carries the count in 4 bits (ISO 7816-4 §5.1.3).
    if (!Number.isInteger(limit) || limit < 1 || limit > 15) {
      throw simulatorError('CARD_CONFIG_INVALID', `retryLimits.${name} must be an integer from 1 to 15.`);
    }
  }
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
