/**
 * Reading the signature password without putting it where it could leak: never from an argument
 * (the process list and shell history show arguments), typed without echo on a terminal, or read as
 * the first line of stdin when the caller pipes it in (`--pin-stdin`).
 */
import type { Readable } from 'node:stream';

export class PinInputError extends Error {
  override name = 'PinInputError';
}

export interface PinSource {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Where the prompt goes (stderr, so stdout stays clean for output). */
  prompt: { write(text: string): unknown };
}

/** The first line of `stdin`, without its line ending. */
export async function readPinLine(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) return text.slice(0, newline).replace(/\r$/, '');
  }
  if (text === '') throw new PinInputError('Expected the PIN on stdin (--pin-stdin), got end of input.');
  return text;
}

/** Prompts and reads one line from the terminal in raw mode, echoing nothing. */
export function promptHidden(source: PinSource, question: string, signal?: AbortSignal): Promise<string> {
  const { stdin } = source;
  if (!stdin.isTTY || !stdin.setRawMode) {
    return Promise.reject(
      new PinInputError('No terminal to ask for the PIN on. Pipe it in and pass --pin-stdin.'),
    );
  }
  const setRawMode = stdin.setRawMode.bind(stdin);
  source.prompt.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      signal?.removeEventListener('abort', onAbort);
      source.prompt.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onAbort = () => finish(new PinInputError('Cancelled.'));
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new PinInputError('Cancelled.'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
