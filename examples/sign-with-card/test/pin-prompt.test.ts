/**
 * The terminal prompt: raw mode while typing, nothing echoed but the prompt and a newline, raw mode
 * restored afterwards, Ctrl-C cancels, and no prompt at all without a terminal.
 */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PinInputError, type PinSource, promptHidden, readPinLine } from '../src/pin-prompt.js';

function fakeTerminal() {
  const stdin = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
  const rawModes: boolean[] = [];
  stdin.isTTY = true;
  stdin.setRawMode = (raw: boolean) => {
    rawModes.push(raw);
  };
  let shown = '';
  const source: PinSource = { stdin, prompt: { write: (text: string) => (shown += text) } };
  return { stdin, source, rawModes, shown: () => shown };
}

describe('promptHidden', () => {
  it('returns the typed PIN', async () => {
    const t = fakeTerminal();
    const pin = promptHidden(t.source, 'PIN: ');
    t.stdin.write('SIGN1234\r');
    expect(await pin).toBe('SIGN1234');
  });

  it('echoes nothing of what is typed', async () => {
    const t = fakeTerminal();
    const pin = promptHidden(t.source, 'PIN: ');
    t.stdin.write('SIGN1234\r');
    await pin;
    expect(t.shown()).toBe('PIN: \n');
  });

  it('switches raw mode on while typing and off afterwards', async () => {
    const t = fakeTerminal();
    const pin = promptHidden(t.source, 'PIN: ');
    t.stdin.write('1234\n');
    await pin;
    expect(t.rawModes).toEqual([true, false]);
  });

  it('applies backspace', async () => {
    const t = fakeTerminal();
    const pin = promptHidden(t.source, 'PIN: ');
    t.stdin.write('12x\u007f34\r');
    expect(await pin).toBe('1234');
  });

  it('cancels on Ctrl-C', async () => {
    const t = fakeTerminal();
    const pin = promptHidden(t.source, 'PIN: ');
    t.stdin.write('12\u0003');
    await expect(pin).rejects.toBeInstanceOf(PinInputError);
  });

  it('refuses to prompt without a terminal', async () => {
    const stdin = new PassThrough();
    await expect(promptHidden({ stdin, prompt: { write: () => {} } }, 'PIN: ')).rejects.toThrow(
      '--pin-stdin',
    );
  });
});

describe('readPinLine', () => {
  it('takes the first line only, without its line ending', async () => {
    expect(await readPinLine(Readable.from(['SIGN', '1234\r\nsecond line\n']))).toBe('SIGN1234');
  });

  it('fails on empty input', async () => {
    await expect(readPinLine(Readable.from([]))).rejects.toBeInstanceOf(PinInputError);
  });
});
