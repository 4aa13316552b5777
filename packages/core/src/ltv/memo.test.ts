import { describe, expect, it } from 'vitest';
import { BytesMemo, sameBytes } from './memo.js';

const bytes = (n: number, seed = 0) => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 0xff);

describe('BytesMemo', () => {
  it('answers the same bytes from the value made once, from a private copy', () => {
    const memo = new BytesMemo<Uint8Array>(8, 1 << 20);
    const a = bytes(300);
    const made = memo.get(a, (copy) => copy);
    const again = memo.get(a.slice(), () => new Uint8Array(0));
    expect([again === made, made !== a]).toEqual([true, true]);
  });

  it('a change in the middle (outside the hashed head and tail) is a miss', () => {
    const memo = new BytesMemo<string>(8, 1 << 20);
    const a = bytes(1000);
    memo.get(a, () => 'old');
    const b = a.slice();
    b[500]! ^= 1;
    expect(memo.get(b, () => 'new')).toBe('new');
  });

  it('a buffer overwritten in place is made again', () => {
    const memo = new BytesMemo<number>(8, 1 << 20);
    const a = bytes(1000);
    memo.get(a, () => 1);
    a[500]! ^= 1;
    expect(memo.get(a, () => 2)).toBe(2);
  });

  it('keeps at most `limit` entries, oldest going first', () => {
    const memo = new BytesMemo<number>(2, 1 << 20);
    for (let i = 0; i < 3; i++) memo.get(bytes(100, i), () => i);
    expect([memo.get(bytes(100, 0), () => -1), memo.get(bytes(100, 2), () => -1)]).toEqual([-1, 2]);
  });
});

describe('sameBytes', () => {
  it('compares unaligned views and tails byte for byte', () => {
    const a = bytes(203);
    const b = new Uint8Array(210);
    b.set(a, 3);
    const view = b.subarray(3, 206);
    const changed = view.slice();
    changed[202]! ^= 1;
    expect([sameBytes(a, view), sameBytes(a, changed), sameBytes(a, a.subarray(1))]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
