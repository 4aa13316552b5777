/** Shared test fixture: one issued card per test file (RSA key generation is slow), fresh copies per test. */
import { fromHex, toHex } from '@shomei/core';
import type { CardConfigInput, CardPins, HolderProfile } from '../src/index.js';
import { VirtualJpkiCard } from '../src/index.js';

export const HOLDER: HolderProfile = {
  name: '試験 花子',
  address: '東京都千代田区霞が関2-1-2',
  birthDate: '1985-04-01',
  sex: 'female',
  myNumber: '123456789018',
};

export const PINS: CardPins = { sign: 'TEST1234', auth: '1234', assist: '5678' };

let issued: Promise<string> | undefined;

/** The card file of one card issued for this test file. */
export function issuedCardFile(): Promise<string> {
  issued ??= VirtualJpkiCard.create({ holder: HOLDER, pins: PINS }).then((c) => c.save());
  return issued;
}

/** A fresh card (same keys and certificates, counters full), optionally with other configuration. */
export async function freshCard(config?: CardConfigInput): Promise<VirtualJpkiCard> {
  const text = await issuedCardFile();
  if (!config) return VirtualJpkiCard.load(text);
  const json = JSON.parse(text);
  const base = VirtualJpkiCard.load(text).config;
  const merged = { ...base, ...config, retryLimits: { ...base.retryLimits, ...config.retryLimits } };
  json.config = {
    atr: toHex(merged.atr),
    blockedPinSw: merged.blockedPinSw.toString(16),
    clearVerificationOnSelectAp: merged.clearVerificationOnSelectAp,
    fciOnSelect: merged.fciOnSelect,
    getChallenge: merged.getChallenge,
    retryLimits: merged.retryLimits,
  };
  return VirtualJpkiCard.load(json);
}

/** Hex with spaces allowed. */
export const h = (s: string): Uint8Array => fromHex(s);

/** Sends hex APDUs in order; returns the last response as upper-case hex. */
export function run(card: VirtualJpkiCard, ...commands: string[]): string {
  let last: Uint8Array = new Uint8Array();
  for (const c of commands) last = card.transmit(fromHex(c));
  return toHex(last).toUpperCase();
}

/** The status word of the last response, e.g. `9000`. */
export function sw(card: VirtualJpkiCard, ...commands: string[]): string {
  return run(card, ...commands).slice(-4);
}

export const APDU = {
  selectJpki: '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01',
  selectAssist: '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08',
  selectEf: (fid: string) => `00 A4 02 0C 02 ${fid}`,
  status: '00 20 00 80',
  verify: (pin: string) =>
    `00 20 00 80 ${pin.length.toString(16).padStart(2, '0')} ${toHex(new TextEncoder().encode(pin))}`,
  change: (pin: string) =>
    `00 24 01 80 ${pin.length.toString(16).padStart(2, '0')} ${toHex(new TextEncoder().encode(pin))}`,
  read: (offset: number, le: number) =>
    `00 B0 ${toHex(Uint8Array.of(offset >> 8, offset & 0xff))} ${toHex(Uint8Array.of(le & 0xff))}`,
  /** COMPUTE DIGITAL SIGNATURE with a SHA-256 DigestInfo of `digest` (32 bytes hex). */
  sign: (digestHex: string) => `80 2A 00 80 33 3031300D060960864801650304020105000420 ${digestHex} 00`,
};

export const SHA256_DIGESTINFO_PREFIX = '3031300D060960864801650304020105000420';
