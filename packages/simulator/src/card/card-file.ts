/**
 * The card file: a virtual card's non-volatile memory as JSON (`VirtualJpkiCard.save()/load()`).
 *
 * It contains the card's private keys as PKCS#8 PEM. They are test keys of a simulator, and the file
 * says so (`testKeysNotSecret: true`); a file without that mark is refused, so a real key cannot be
 * slipped into a virtual card by mistake. `decodeCardFile` checks every field, and that each key matches
 * its certificate, and throws CARD_FILE_INVALID naming the field.
 */
import { bytesEqual, fromBase64, fromHex, parseCertificate, toBase64, toHex } from '@shomei/core';
import { simulatorError } from '../errors.js';
import { CardKey } from './card-key.js';
import type { CardState, CertificateSlot } from './card-state.js';
import { type CardConfig, resolveCardConfig } from './config.js';
import { type CardProfile, type HolderProfile, isValidPin, type PinId, validateHolder } from './holder.js';

export const CARD_FILE_FORMAT = 'shomei-sim-card/1';

export interface CardFileJson {
  format: typeof CARD_FILE_FORMAT;
  /** Always true: the keys in this file are simulator test keys, not secrets. */
  testKeysNotSecret: true;
  notice: string;
  profile: CardProfile;
  holder: HolderProfile;
  pins: Record<PinId, { value: string; tries: number }>;
  config: {
    atr: string;
    blockedPinSw: string;
    clearVerificationOnSelectAp: boolean;
    fciOnSelect: boolean;
    getChallenge: boolean;
    retryLimits: CardConfig['retryLimits'];
  };
  /** DER, base64. */
  certificates: Record<CertificateSlot, string>;
  /** PKCS#8 PEM test keys. */
  keys: Record<'auth' | 'sign', string>;
  assistKeyId: string;
}

const SLOTS: readonly CertificateSlot[] = ['sign', 'sign-ca', 'auth', 'auth-ca'];
const PIN_IDS: readonly PinId[] = ['auth', 'sign', 'assist'];

export function encodeCardFile(s: CardState): CardFileJson {
  return {
    format: CARD_FILE_FORMAT,
    testKeysNotSecret: true,
    notice:
      'shomei simulator test card. The private keys and PINs in this file are TEST DATA, not secrets; never use them for anything real.',
    profile: s.profile,
    holder: structuredClone(s.holder),
    pins: structuredClone(s.pins),
    config: {
      atr: toHex(s.config.atr),
      blockedPinSw: s.config.blockedPinSw.toString(16),
      clearVerificationOnSelectAp: s.config.clearVerificationOnSelectAp,
      fciOnSelect: s.config.fciOnSelect,
      getChallenge: s.config.getChallenge,
      retryLimits: { ...s.config.retryLimits },
    },
    certificates: Object.fromEntries(SLOTS.map((k) => [k, toBase64(s.certificates[k])])) as Record<
      CertificateSlot,
      string
    >,
    keys: { auth: CardKey.toCardFilePem(s.keys.auth), sign: CardKey.toCardFilePem(s.keys.sign) },
    assistKeyId: toHex(s.assistKeyId),
  };
}

export function decodeCardFile(input: string | CardFileJson): CardState {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (cause) {
      throw simulatorError('CARD_FILE_INVALID', 'The card file is not valid JSON.', { cause });
    }
  }
  const bad = (field: string, why: string, cause?: unknown) =>
    simulatorError('CARD_FILE_INVALID', `Card file field "${field}" ${why}.`, { cause, details: { field } });
  const o = objectAt(json, '', bad);
  if (o.format !== CARD_FILE_FORMAT) throw bad('format', `must be "${CARD_FILE_FORMAT}"`);
  if (o.testKeysNotSecret !== true)
    throw bad('testKeysNotSecret', 'must be true (only test keys belong here)');
  const profile = o.profile;
  if (profile !== 'mynumber' && profile !== 'juki') throw bad('profile', 'must be "mynumber" or "juki"');

  let holder: HolderProfile;
  try {
    holder = validateHolder(
      structuredClone(objectAt(o.holder, 'holder', bad)) as unknown as HolderProfile,
      profile,
    );
  } catch (cause) {
    throw bad('holder', 'is not a valid holder profile', cause);
  }

  const c = objectAt(o.config, 'config', bad);
  let config: CardConfig;
  try {
    config = resolveCardConfig({
      atr: hexAt(c.atr, 'config.atr', bad),
      blockedPinSw: Number.parseInt(stringAt(c.blockedPinSw, 'config.blockedPinSw', bad), 16) as 0x6983,
      clearVerificationOnSelectAp: booleanAt(
        c.clearVerificationOnSelectAp,
        'config.clearVerificationOnSelectAp',
        bad,
      ),
      fciOnSelect: booleanAt(c.fciOnSelect, 'config.fciOnSelect', bad),
      getChallenge: booleanAt(c.getChallenge, 'config.getChallenge', bad),
      retryLimits: objectAt(c.retryLimits, 'config.retryLimits', bad) as CardConfig['retryLimits'],
    });
  } catch (cause) {
    if (cause instanceof Error && (cause as { code?: string }).code === 'CARD_FILE_INVALID') throw cause;
    throw bad('config', 'is out of range', cause);
  }

  const pinsIn = objectAt(o.pins, 'pins', bad);
  const pins = {} as CardState['pins'];
  for (const id of PIN_IDS) {
    const p = objectAt(pinsIn[id], `pins.${id}`, bad);
    const value = stringAt(p.value, `pins.${id}.value`, bad);
    const unused = id === 'assist' && profile === 'juki' && value === '';
    if (!unused && !isValidPin(id, value))
      throw bad(`pins.${id}.value`, 'does not have the PIN format of spec §4.2');
    const tries = p.tries;
    if (
      typeof tries !== 'number' ||
      !Number.isInteger(tries) ||
      tries < 0 ||
      tries > config.retryLimits[id]
    ) {
      throw bad(`pins.${id}.tries`, `must be an integer from 0 to ${config.retryLimits[id]}`);
    }
    pins[id] = { value, tries };
  }

  const certsIn = objectAt(o.certificates, 'certificates', bad);
  const certificates = {} as Record<CertificateSlot, Uint8Array>;
  for (const slot of SLOTS) {
    const field = `certificates.${slot}`;
    let der: Uint8Array;
    try {
      der = fromBase64(stringAt(certsIn[slot], field, bad));
      parseCertificate(der);
    } catch (cause) {
      throw bad(field, 'is not a base64 DER X.509 certificate', cause);
    }
    certificates[slot] = der;
  }

  const keysIn = objectAt(o.keys, 'keys', bad);
  const keys = {} as CardState['keys'];
  for (const id of ['auth', 'sign'] as const) {
    const key = CardKey.fromCardFilePem(stringAt(keysIn[id], `keys.${id}`, bad));
    if (!key) throw bad(`keys.${id}`, 'is not an RSA-2048 PKCS#8 PEM private key');
    // spec §7 item 9: the key of EF 0017/001A must match the certificate in EF 000A/0001.
    const certKey = parseCertificate(certificates[id]).spki;
    if (!bytesEqual(key.publicKey, certKey)) {
      throw bad(`keys.${id}`, `does not match the public key of certificates.${id}`);
    }
    keys[id] = key;
  }

  const assistKeyId = hexAt(o.assistKeyId, 'assistKeyId', bad);
  if (assistKeyId.length !== 16) throw bad('assistKeyId', 'must be 16 bytes of hex');
  return { profile, holder, config, pins, keys, certificates, assistKeyId };
}

type Bad = (field: string, why: string, cause?: unknown) => Error;

function objectAt(v: unknown, field: string, bad: Bad): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw bad(field || '(root)', 'must be an object');
  return v as Record<string, unknown>;
}

function stringAt(v: unknown, field: string, bad: Bad): string {
  if (typeof v !== 'string') throw bad(field, 'must be a string');
  return v;
}

function booleanAt(v: unknown, field: string, bad: Bad): boolean {
  if (typeof v !== 'boolean') throw bad(field, 'must be true or false');
  return v;
}

function hexAt(v: unknown, field: string, bad: Bad): Uint8Array {
  const s = stringAt(v, field, bad);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw bad(field, 'must be hex');
  return fromHex(s);
}
