import { describe, expect, it } from 'vitest';
import { OperationQueue, readerQueue } from './operation-queue.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('OperationQueue', () => {
  it('never starts an operation before the previous one ended', async () => {
    const queue = new OperationQueue();
    const log: string[] = [];
    const op = (name: string) => async () => {
      log.push(`${name}:start`);
      await tick();
      await tick();
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([queue.run(op('a')), queue.run(op('b')), queue.run(op('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('runs the next operation after a failed one', async () => {
    const queue = new OperationQueue();
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('turns a synchronous throw into a rejection and keeps going', async () => {
    const queue = new OperationQueue();
    const failed = queue.run(() => {
      throw new Error('sync');
    });
    await expect(failed).rejects.toThrow('sync');
    await expect(queue.run(async () => 1)).resolves.toBe(1);
  });

  it('drops a waiting operation whose signal aborts, without running it', async () => {
    const queue = new OperationQueue();
    let release = () => {};
    const first = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    let ran = false;
    const second = queue.run(async () => {
      ran = true;
    }, controller.signal);
    const third = queue.run(async () => 'third');
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'ABORTED' });
    release();
    await first;
    await expect(third).resolves.toBe('third');
    expect(ran).toBe(false);
  });

  it('shares one queue per reader name', () => {
    expect(readerQueue('pcsc:Reader A')).toBe(readerQueue('pcsc:Reader A'));
  });

  it('keeps distinct queues for distinct transports', () => {
    expect(readerQueue({})).not.toBe(readerQueue({}));
  });
});
