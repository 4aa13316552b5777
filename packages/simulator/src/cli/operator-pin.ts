/**
 * The operator's PIN for authority commands: never an argument (design.md §4). With `--pin-stdin`
 * the first line of stdin; otherwise a prompt on the terminal with echo off. Never kept or logged.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { simulatorError } from '../errors.js';

export async function readOperatorPin(fromStdin: boolean): Promise<string> {
  if (fromStdin) return firstLine(process.stdin);
  if (!process.stdin.isTTY) {
    throw simulatorError(
      'USAGE',
      'No terminal to prompt for the operator PIN: pass --pin-stdin and pipe it in.',
    );
  }
  process.stderr.write('Operator PIN: ');
  // Echo off: readline writes into a sink that drops everything.
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.once('line', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += String(chunk);
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl).replace(/\r$/, '');
    if (text.length > 256) break;
  }
  return text.trim();
}
