/**
 * Hostile-input harness shared by the parser properties: seeded fast-check runs over random
 * bytes and mutated valid encodings (bit flips, truncation, lying and huge length fields, insertions,
 * deep nesting). A parser passes when every input either parses or throws a typed `ShomeiError` with an
 * expected code, each within the per-input budget (no hang, no stack overflow, no unhandled rejection).
 *
 * `FUZZ_RUNS` raises the number of cases (`pnpm fuzz`); `FUZZ_SEED` replays another seed.
 */

import { isShomeiError } from '@shomei/core';
import { concatBytes, encodeLength } from '@shomei/core/der';
import fc from 'fast-check';

/**
 * vitest's runner, when the kit runs inside vitest. Loaded by a dynamic import because vitest cannot
 * be `require()`d: the CommonJS build of the kit then loads, and only the case counting is off. The
 * import has settled long before a test body runs (the test file's own imports are awaited first).
 */
let testRunner: typeof import('vitest').TestRunner | undefined;
import('vitest').then(
  (vitest) => {
    testRunner = vitest.TestRunner;
  },
  () => undefined,
);

/** Default cases per target: ≥ 10,000 so CI runs the issue's minimum; `FUZZ_RUNS` raises it. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261127);
/** Per-input budget from the issue: every input is handled within 100 ms. */
export const INPUT_BUDGET_MS = 100;

/** One change to a byte string. Positions are fractions so that they fit any seed length. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  /** Replaces the byte at `at` with a long-form length of `octets` bytes, all 0xFF or random: a lying or huge length. */
  | { kind: 'length'; at: number; octets: number; fill: 'ff' | 'random'; random: Uint8Array }
  /** Wraps the input in `depth` SEQUENCEs, definite or BER-indefinite. */
  | { kind: 'nest'; depth: number; indefinite: boolean }
  /** Duplicates a slice elsewhere (repeated fields, overlapping elements). */
  | { kind: 'splice'; from: number; to: number; count: number };

const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: position,
      value: fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x89, 0xff, 0x30, 0xa0, 0x1f),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      count: fc.integer({ min: 1, max: 16 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      at: position,
      octets: fc.integer({ min: 1, max: 9 }),
      fill: fc.constantFrom('ff' as const, 'random' as const),
      random: fc.uint8Array({ minLength: 9, maxLength: 9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('nest' as const),
      depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1000, max: 5000 })),
      indefinite: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('splice' as const),
      from: position,
      to: position,
      count: fc.integer({ min: 1, max: 64 }),
    }),
  },
);

const idx = (f: number, n: number) => Math.min(n, Math.floor(f * n));

export function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  const n = input.length;
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return input;
      const out = input.slice();
      out[idx(m.at, n)]! ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return input;
      const out = input.slice();
      out[idx(m.at, n)] = m.value;
      return out;
    }
    case 'truncate':
      return input.slice(0, idx(m.at, n));
    case 'insert': {
      const at = idx(m.at, n);
      return concatBytes(input.subarray(0, at), m.bytes, input.subarray(at));
    }
    case 'delete': {
      const at = idx(m.at, n);
      return concatBytes(input.subarray(0, at), input.subarray(at + m.count));
    }
    case 'length': {
      const at = idx(m.at, n);
      const len = m.fill === 'ff' ? new Uint8Array(m.octets).fill(0xff) : m.random.subarray(0, m.octets);
      return concatBytes(input.subarray(0, at), Uint8Array.of(0x80 | m.octets), len, input.subarray(at + 1));
    }
    case 'nest':
      return nest(input, m.depth, m.indefinite);
    case 'splice': {
      const from = idx(m.from, n);
      const to = idx(m.to, n);
      return concatBytes(input.subarray(0, to), input.subarray(from, from + m.count), input.subarray(to));
    }
  }
}

/** `depth` SEQUENCE wrappers around `inner`, each with a correct definite length or BER-indefinite. */
export function nest(inner: Uint8Array, depth: number, indefinite: boolean): Uint8Array {
  if (indefinite) {
    const head = new Uint8Array(depth * 2);
    for (let i = 0; i < depth; i++) head.set([0x30, 0x80], i * 2);
    return concatBytes(head, inner, new Uint8Array(depth * 2));
  }
  // Lengths inside-out, then headers written outside-in: linear, not one copy per level.
  const lengths: number[] = [inner.length];
  for (let i = 1; i <= depth; i++) lengths.push(lengths[i - 1]! + 1 + encodeLength(lengths[i - 1]!).length);
  const out = new Uint8Array(lengths[depth]!);
  let at = 0;
  for (let i = depth - 1; i >= 0; i--) {
    out[at++] = 0x30;
    const l = encodeLength(lengths[i]!);
    out.set(l, at);
    at += l.length;
  }
  out.set(inner, at);
  return out;
}

/**
 * Hostile inputs built from `seeds`: mostly 1–4 mutations of a valid encoding, some pure random bytes,
 * some random bytes behind a plausible SEQUENCE header.
 */
export function hostileBytes(seeds: readonly Uint8Array[], maxRandom = 512): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.nat(Math.max(0, seeds.length - 1)), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
    .map(([i, ms]) => ms.reduce((b, m) => mutate(b, m), seeds[i] ?? new Uint8Array(0)));
  const random = fc.uint8Array({ maxLength: maxRandom });
  const framed = fc
    .tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0x04, 0x02, 0x06), fc.uint8Array({ maxLength: maxRandom }))
    .map(([tag, body]) => concatBytes(Uint8Array.of(tag), encodeLength(body.length), body));
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: random },
    { weight: 1, arbitrary: framed },
  );
}

/**
 * Records how many cases the running test tried (and its slowest input) in the test's meta, where the
 * JSON reporter picks it up for docs/reliability.md (scripts/reliability-report.ts).
 */
export function recordCases(cases: number, extra: { maxMs?: number; passed?: number } = {}): void {
  const test = testRunner?.getCurrentTest();
  if (!test) return;
  const meta = test.meta as Record<string, unknown>;
  meta.cases = ((meta.cases as number | undefined) ?? 0) + cases;
  meta.passed = ((meta.passed as number | undefined) ?? 0) + (extra.passed ?? cases);
  if (extra.maxMs !== undefined)
    meta.maxMs = Math.max((meta.maxMs as number | undefined) ?? 0, Number(extra.maxMs.toFixed(2)));
}

export interface HostileStats {
  cases: number;
  parsed: number;
  rejected: number;
  maxMs: number;
  codes: Record<string, number>;
}

/** Why an input failed the property, for fast-check's counterexample report. */
class HostileFailure extends Error {}

function classify(error: unknown, codes: readonly string[], stats: HostileStats): void {
  if (!isShomeiError(error)) {
    throw new HostileFailure(
      `untyped error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  if (!codes.includes(error.code))
    throw new HostileFailure(`unexpected code ${error.code}: ${error.message}`);
  // A typed error wrapping a TypeError or RangeError is a crash in disguise: the parser read past
  // something it had not checked. Walk the cause chain.
  for (let c: unknown = error.cause, n = 0; c !== undefined && n < 16; n++) {
    if (c instanceof TypeError || c instanceof RangeError || c instanceof ReferenceError) {
      throw new HostileFailure(`${error.code} wraps a programming error: ${c.name}: ${c.message}`);
    }
    c = (c as { cause?: unknown }).cause;
  }
  stats.rejected++;
  stats.codes[error.code] = (stats.codes[error.code] ?? 0) + 1;
}

/**
 * Checks the budget; an input over it is timed twice more, and fails only when every run is over
 * (a GC pause or a busy shared CI core is not a parser hang).
 */
function overBudget(elapsed: number, again: () => number): boolean {
  if (elapsed <= INPUT_BUDGET_MS) return false;
  return again() > INPUT_BUDGET_MS && again() > INPUT_BUDGET_MS;
}

/** Runs a synchronous parser over hostile inputs; returns the statistics for the report. */
export function assertHostileSync(
  arb: fc.Arbitrary<Uint8Array>,
  parse: (bytes: Uint8Array) => unknown,
  codes: readonly string[],
  runs = FUZZ_RUNS,
): HostileStats {
  const stats: HostileStats = { cases: 0, parsed: 0, rejected: 0, maxMs: 0, codes: {} };
  const timed = (b: Uint8Array) => {
    const t0 = performance.now();
    try {
      parse(b);
    } catch {
      // classified by the caller
    }
    return performance.now() - t0;
  };
  fc.assert(
    fc.property(arb, (bytes) => {
      stats.cases++;
      const t0 = performance.now();
      try {
        parse(bytes);
        stats.parsed++;
      } catch (error) {
        classify(error, codes, stats);
      }
      const elapsed = performance.now() - t0;
      if (overBudget(elapsed, () => timed(bytes))) {
        throw new HostileFailure(`took ${elapsed.toFixed(1)} ms (> ${INPUT_BUDGET_MS} ms)`);
      }
      stats.maxMs = Math.max(stats.maxMs, Math.min(elapsed, INPUT_BUDGET_MS));
    }),
    { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true },
  );
  recordCases(stats.cases, { maxMs: stats.maxMs });
  return stats;
}

/** The same for an asynchronous entry point (rejections must be typed too). */
export async function assertHostileAsync(
  arb: fc.Arbitrary<Uint8Array>,
  parse: (bytes: Uint8Array) => Promise<unknown>,
  codes: readonly string[],
  runs = FUZZ_RUNS,
): Promise<HostileStats> {
  const stats: HostileStats = { cases: 0, parsed: 0, rejected: 0, maxMs: 0, codes: {} };
  const timed = async (b: Uint8Array) => {
    const t0 = performance.now();
    await parse(b).catch(() => undefined);
    return performance.now() - t0;
  };
  await fc.assert(
    fc.asyncProperty(arb, async (bytes) => {
      stats.cases++;
      const t0 = performance.now();
      try {
        await parse(bytes);
        stats.parsed++;
      } catch (error) {
        classify(error, codes, stats);
      }
      const elapsed = performance.now() - t0;
      if (
        elapsed > INPUT_BUDGET_MS &&
        (await timed(bytes)) > INPUT_BUDGET_MS &&
        (await timed(bytes)) > INPUT_BUDGET_MS
      ) {
        throw new HostileFailure(`took ${elapsed.toFixed(1)} ms (> ${INPUT_BUDGET_MS} ms)`);
      }
      stats.maxMs = Math.max(stats.maxMs, Math.min(elapsed, INPUT_BUDGET_MS));
    }),
    { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true },
  );
  recordCases(stats.cases, { maxMs: stats.maxMs });
  return stats;
}
