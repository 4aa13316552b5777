import { describe, expect, it } from 'vitest';
import { formatBirthDate, parseBirthDate } from './birth-date.js';

describe('birth dates', () => {
  it.each([
    ['19850412', '1985-04-12 (昭和60年4月12日)'],
    ['419850412', '1985-04-12 (昭和60年4月12日)'],
    ['1985-04-12', '1985-04-12 (昭和60年4月12日)'],
    ['19890107', '1989-01-07 (昭和64年1月7日)'],
    ['19890108', '1989-01-08 (平成元年1月8日)'],
    ['20190430', '2019-04-30 (平成31年4月30日)'],
    ['20190501', '2019-05-01 (令和元年5月1日)'],
    ['19261225', '1926-12-25 (昭和元年12月25日)'],
    ['19120730', '1912-07-30 (大正元年7月30日)'],
  ])('%s → %s', (encoded, expected) => {
    expect(formatBirthDate(encoded)).toBe(expected);
  });

  it('refuses dates that do not exist and leaves them as encoded', () => {
    expect(parseBirthDate('19850230')).toBeUndefined();
    expect(formatBirthDate('not a date')).toBe('not a date');
  });
});
