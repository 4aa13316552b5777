import { describe, expect, it, vi } from 'vitest';

vi.mock('pcsclite', () => {
  throw new Error('libpcsclite.so.1: cannot open shared object file');
});

describe('loadPcsclite', () => {
  it('turns a missing addon or library into PCSC_UNAVAILABLE with an install hint', async () => {
    const { loadPcsclite } = await import('./pcsc-context.js');
    const error = await loadPcsclite().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PCSC_UNAVAILABLE',
      message: expect.stringContaining('apt-get install'),
    });
  });
});
