import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/group-commit.js';

/** A write that records each batch and waits until released, so a test decides when it finishes. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((n) => n * 10);
  };
  const releaseAll = () => {
    for (const g of gates.splice(0)) g();
  };
  return { batches, write, releaseAll };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('calls made while a write runs go together in the next write, each answered with its own result', async () => {
    const w = gatedWrite();
    const group = new GroupCommit(w.write, { parallel: 1 });
    const first = group.add(1);
    await tick();
    const rest = [2, 3, 4].map((n) => group.add(n));
    await tick();
    w.releaseAll();
    await first;
    await tick();
    w.releaseAll();
    expect([w.batches, await Promise.all([first, ...rest])]).toEqual([
      [[1], [2, 3, 4]],
      [10, 20, 30, 40],
    ]);
  });

  it('a batch never carries more than maxBatch calls', async () => {
    const w = gatedWrite();
    const group = new GroupCommit(w.write, { maxBatch: 2, parallel: 4 });
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => group.add(n)));
    await tick();
    w.releaseAll();
    await all;
    expect(w.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("a failed write rejects each of its calls with the write's error, and later calls are written", async () => {
    let fail = true;
    const group = new GroupCommit(async (items: readonly number[]) => {
      if (fail) throw new Error('database unreachable');
      return items;
    });
    const failed = await Promise.allSettled([group.add(1), group.add(2)]);
    fail = false;
    expect([
      failed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value)),
      await group.add(3),
    ]).toEqual([['database unreachable', 'database unreachable'], 3]);
  });
});
