/** Shared helpers for the benchmarks: medians over repeats, rates, aligned output, a test card. */
import { Authority, OperatorCard, VirtualJpkiCard } from '../packages/simulator/src/index.js';
export const QUICK = process.env.BENCH_QUICK === '1';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` `repeats` times and returns the median of its results. */
export async function medianOf(repeats: number, fn: () => Promise<number> | number): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) out.push(await fn());
  return median(out);
}

/** Operations per second of `op` run `n` times with `concurrency` in flight. */
export async function rate(
  n: number,
  op: () => Promise<unknown> | unknown,
  concurrency = 1,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      next++;
      await op();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return n / ((performance.now() - t0) / 1000);
}

export const fmt = (x: number, unit: string): string =>
  `${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)} ${unit}`;

/** A virtual My Number card for benchmarks (RSA key generation happens once, inside the card). */
export function benchCard(
  pins: Partial<{ auth: string; sign: string; assist: string }> = {},
): Promise<VirtualJpkiCard> {
  return VirtualJpkiCard.create({
    holder: {
      name: 'ベンチ　太郎',
      address: '東京都',
      birthDate: '1980-01-01',
      sex: 'male',
      myNumber: '123456789018',
    },
    pins: { auth: '1234', sign: 'ABC123', assist: '1234', ...pins },
  });
}

/**
 * An authority (root, signature CA, TSA, OCSP) and a card issued at its counter, for benchmarks that
 * need the whole issuing side (long-term validation with timestamps and revocation data).
 */
export async function benchAuthorityCard(label: string): Promise<{
  authority: Authority;
  card: VirtualJpkiCard;
  pins: { auth: string; sign: string; assist: string };
}> {
  const authority = await Authority.create({ label, root: true });
  const operator = OperatorCard.create({ name: 'bench', pin: '2468' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '2468');
  const pins = { auth: '1234', sign: 'ABC123', assist: '1234' };
  const holder = {
    name: 'ベンチ　太郎',
    address: '東京都',
    birthDate: '1980-01-01',
    sex: 'male',
    myNumber: '123456789018',
  } as const;
  const { card } = await authority.issue(session, { holder, pins });
  return { authority, card, pins };
}
