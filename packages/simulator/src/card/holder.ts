/**
 * The holder of a virtual card: the four basic facts, the My Number and the PINs chosen at the
 * counter. Validation follows spec/jpki-card.md §4.2 (PIN policy) and §9 (card-input-assistance data).
 */
import { simulatorError } from '../errors.js';

export type Sex = 'male' | 'female' | 'unspecified';

/** My Number card (token `JPKIAPICCTOKEN2`) or its predecessor, the Juki card (`JPKIAPICCTOKEN`), spec §1.3. */
export type CardProfile = 'mynumber' | 'juki';

export interface HolderProfile {
  /** 氏名 as printed on the card. */
  name: string;
  /** 氏名代替文字: substitute characters for the name, when it has characters outside the card's set. */
  nameSubstitute?: string;
  address: string;
  addressSubstitute?: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: Sex;
  /** 12 digits. Required for a My Number card; a Juki card has no card-input-assistance AP. */
  myNumber?: string;
}

export interface CardPins {
  /** 署名用パスワード: 6–16 of A–Z 0–9 (spec §4.2). */
  sign: string;
  /** 利用者証明用暗証番号: 4 digits. */
  auth: string;
  /** 券面事項入力補助用暗証番号: 4 digits (My Number card only; ignored for a Juki card). */
  assist: string;
}

export type PinId = 'auth' | 'sign' | 'assist';

/** PIN formats (spec §4.2 [C]); also applied to CHANGE REFERENCE DATA's new PIN. */
export const PIN_FORMAT: Readonly<Record<PinId, RegExp>> = {
  auth: /^[0-9]{4}$/,
  sign: /^[A-Z0-9]{6,16}$/,
  assist: /^[0-9]{4}$/,
};

export function isValidPin(id: PinId, pin: string): boolean {
  return PIN_FORMAT[id].test(pin);
}

/** The `holder.json` accepted by `shomei-sim issue` (simulator README). */
export interface HolderFile {
  holder: HolderProfile;
  pins: CardPins;
  profile: CardProfile;
}

const SEXES: readonly Sex[] = ['male', 'female', 'unspecified'];

/** Checks a holder profile; throws HOLDER_PROFILE_INVALID naming the field. Never echoes PIN values. */
export function validateHolder(holder: HolderProfile, profile: CardProfile): HolderProfile {
  const bad = (field: string, why: string) =>
    simulatorError('HOLDER_PROFILE_INVALID', `holder.${field} ${why}.`, { details: { field } });
  const text = (field: keyof HolderProfile, required: boolean) => {
    const v = holder[field];
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || v.length === 0 || v.length > 1000)
      throw bad(field, 'must be a non-empty string');
  };
  if (typeof holder !== 'object' || holder === null) throw bad('', 'must be an object');
  text('name', true);
  text('nameSubstitute', false);
  text('address', true);
  text('addressSubstitute', false);
  if (typeof holder.birthDate !== 'string' || !isCalendarDate(holder.birthDate)) {
    throw bad('birthDate', 'must be a calendar date written YYYY-MM-DD');
  }
  if (!SEXES.includes(holder.sex)) throw bad('sex', 'must be "male", "female" or "unspecified"');
  if (profile === 'mynumber' || holder.myNumber !== undefined) {
    if (typeof holder.myNumber !== 'string' || !/^[0-9]{12}$/.test(holder.myNumber)) {
      throw bad('myNumber', 'must be 12 digits (a My Number card needs one)');
    }
  }
  return holder;
}

export function validatePins(pins: CardPins, profile: CardProfile): CardPins {
  if (typeof pins !== 'object' || pins === null) {
    throw simulatorError('HOLDER_PROFILE_INVALID', 'pins must be an object { sign, auth, assist }.');
  }
  const ids: PinId[] = profile === 'mynumber' ? ['sign', 'auth', 'assist'] : ['sign', 'auth'];
  for (const id of ids) {
    const v = pins[id];
    if (typeof v !== 'string' || !isValidPin(id, v)) {
      const rule = id === 'sign' ? '6–16 characters of A–Z and 0–9' : '4 digits';
      throw simulatorError('HOLDER_PROFILE_INVALID', `pins.${id} must be ${rule}.`, {
        details: { field: `pins.${id}` },
      });
    }
  }
  return pins;
}

/** Reads the `holder.json` document (already JSON-parsed). */
export function parseHolderFile(json: unknown): HolderFile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw simulatorError('HOLDER_PROFILE_INVALID', 'holder.json must contain a JSON object.');
  }
  const o = json as Record<string, unknown>;
  const profile = o.profile ?? 'mynumber';
  if (profile !== 'mynumber' && profile !== 'juki') {
    throw simulatorError('HOLDER_PROFILE_INVALID', 'profile must be "mynumber" or "juki".');
  }
  const holder: HolderProfile = {
    name: o.name as string,
    address: o.address as string,
    birthDate: o.birthDate as string,
    sex: o.sex as Sex,
  };
  if (o.nameSubstitute !== undefined) holder.nameSubstitute = o.nameSubstitute as string;
  if (o.addressSubstitute !== undefined) holder.addressSubstitute = o.addressSubstitute as string;
  if (o.myNumber !== undefined) holder.myNumber = o.myNumber as string;
  validateHolder(holder, profile);
  const pins = validatePins(o.pins as CardPins, profile);
  return { holder, pins: { sign: pins.sign, auth: pins.auth, assist: pins.assist ?? '' }, profile };
}

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}
