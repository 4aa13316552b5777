/**
 * The holder's birth date, one way everywhere (CLI, demo, portal): ISO 8601 and the Japanese era date
 * the card holder knows from their residence record (e.g. 1985-04-12 / 昭和60年4月12日).
 *
 * Accepted encodings: `YYYYMMDD` (card-input-assistance AP, spec/jpki-card.md §10), an era digit
 * followed by `YYYYMMDD` (the certificates' subjectAltName, reportedly), and `YYYY-MM-DD`.
 */

/** Era starts, newest first (the first day of each era in the Gregorian calendar). */
const ERAS: ReadonlyArray<{ name: string; start: string }> = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
  { name: '明治', start: '1868-01-25' },
];

export interface BirthDate {
  /** `YYYY-MM-DD` */
  iso: string;
  /** `昭和60年4月12日`; the first year of an era is 元年. Undefined before 明治. */
  japanese: string | undefined;
}

/** Parses an encoded birth date; undefined when it is not a real calendar date. */
export function parseBirthDate(encoded: string): BirthDate | undefined {
  const m = /^(?:\d?(\d{4})(\d{2})(\d{2})|(\d{4})-(\d{2})-(\d{2}))$/.exec(encoded.trim());
  if (!m) return undefined;
  const [y, mo, d] = (m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]]).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const era = ERAS.find((e) => iso >= e.start);
  const japanese = era
    ? `${era.name}${y - Number(era.start.slice(0, 4)) + 1 === 1 ? '元' : y - Number(era.start.slice(0, 4)) + 1}年${mo}月${d}日`
    : undefined;
  return { iso, japanese };
}

/** `1985-04-12 (昭和60年4月12日)`, or the encoded text unchanged when it is not a date. */
export function formatBirthDate(encoded: string): string {
  const date = parseBirthDate(encoded);
  if (!date) return encoded;
  return date.japanese ? `${date.iso} (${date.japanese})` : date.iso;
}
