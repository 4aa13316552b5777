/**
 * Terminal I/O for the CLI, injectable for tests: output streams, stdin, and the PIN prompt. PINs are
 * never arguments (design.md §4): they are typed at a prompt without echo on a TTY, or read as the
 * first line of stdin with `--pin-stdin`.
 */
import { cardError } from '../errors.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Reads a secret: without echo on a TTY, else the next line of stdin (when allowed). */
  readSecret(prompt: string, options: { fromStdin: boolean; signal: AbortSignal }): Promise<string>;
  /** Writes a file (certs --out). */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
}

/** The real terminal. */
export function nodeIo(): CliIo {
  const stdinLines = lineReader(process.stdin);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    async readSecret(prompt, { fromStdin, signal }) {
      if (fromStdin) {
        const line = await stdinLines.next();
        if (line === undefined)
          throw cardError('USAGE', 'Expected a PIN on stdin (--pin-stdin), got end of input.');
        return line;
      }
      if (!process.stdin.isTTY) {
        throw cardError('USAGE', 'No terminal to ask for the PIN. Pipe it in and pass --pin-stdin.');
      }
      return promptHidden(prompt, signal);
    },
    async writeFile(path, data) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path, data);
    },
  };
}

/** Reads lines from a stream one at a time (several PINs may be piped in, one per line). */
function lineReader(stream: NodeJS.ReadableStream) {
  let buffer = '';
  let ended = false;
  const waiting: Array<() => void> = [];
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      for (const wake of waiting.splice(0)) wake();
    });
    stream.on('end', () => {
      ended = true;
      for (const wake of waiting.splice(0)) wake();
    });
  };
  return {
    async next(): Promise<string | undefined> {
      start();
      stream.resume();
      for (;;) {
        const newline = buffer.indexOf('\n');
        if (newline >= 0) {
          // Stop reading until the next PIN is wanted, so an open stdin does not keep the process alive.
          stream.pause();
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          return line;
        }
        if (ended) {
          const rest = buffer;
          buffer = '';
          return rest === '' ? undefined : rest;
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
  };
}

/** Prompts on stderr and reads a line from the TTY in raw mode, echoing nothing. */
function promptHidden(prompt: string, signal: AbortSignal): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      signal.removeEventListener('abort', onAbort);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onAbort = () => finish(cardError('ABORTED'));
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(cardError('ABORTED'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
