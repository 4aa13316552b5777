/**
 * sign-with-card: signs a file with a JPKI card into a CMS `.p7s`.
 *
 *   tsx src/main.ts <file> [--out <file.p7s>] [--detached] [--reader <name>] [--pin-stdin]
 *                   [--allow-last-attempt] [--card-file <shomei-sim card file>]
 *
 * The PIN is never an argument: it is typed without echo on a terminal, or piped in with --pin-stdin.
 * `--card-file` uses a virtual card (made with `shomei-sim issue`) instead of a PC/SC reader.
 * Exit codes as the shomei CLI: 0 signed, 1 refused (wrong PIN, card removed …), 2 usage.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { enterUserDirectory, type JpkiCard, openJpkiCard } from '@shomei/card';
import { isShomeiError } from '@shomei/core';
import { loadCardFile, MemoryTransport, saveCardFile } from '@shomei/simulator';
import { PinInputError, type PinSource, promptHidden, readPinLine } from './pin-prompt.js';
import { signFileWithCard } from './sign-file.js';

export interface Io {
  stdin: PinSource['stdin'];
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const USAGE =
  'Usage: sign-with-card <file> [--out <file.p7s>] [--detached] [--reader <name>] [--pin-stdin] [--allow-last-attempt] [--card-file <card.json>]';

class UsageError extends Error {}

function parse(argv: readonly string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' },
        detached: { type: 'boolean', default: false },
        reader: { type: 'string' },
        'pin-stdin': { type: 'boolean', default: false },
        'allow-last-attempt': { type: 'boolean', default: false },
        'card-file': { type: 'string' },
      },
      allowPositionals: true,
      // Strict: an unknown option such as `--pin 1234` is refused, never silently ignored.
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('Give exactly one file to sign.');
    return { file: positionals[0]!, ...values };
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

/** Opens a PC/SC reader, or a virtual card file whose PIN counters are saved back as they change. */
async function openCard(options: { reader?: string; cardFile?: string; signal: AbortSignal }) {
  if (options.cardFile === undefined) {
    return openJpkiCard({ ...(options.reader ? { reader: options.reader } : {}), signal: options.signal });
  }
  const path = options.cardFile;
  const virtual = loadCardFile(path);
  virtual.onPersistentChange(() => saveCardFile(path, virtual, { overwrite: true }));
  return openJpkiCard({ transport: new MemoryTransport(virtual), signal: options.signal });
}

export async function run(argv: readonly string[], io: Io, signal = new AbortController().signal) {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`sign-with-card: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const out = args.out ?? `${args.file}.p7s`;
  let card: JpkiCard | undefined;
  try {
    card = await openCard({
      ...(args.reader ? { reader: args.reader } : {}),
      ...(args['card-file'] ? { cardFile: args['card-file'] } : {}),
      signal,
    });
    const p7s = await signFileWithCard({
      file: args.file,
      card,
      detached: args.detached === true,
      allowLastAttempt: args['allow-last-attempt'] === true,
      signal,
      readPin: () =>
        args['pin-stdin']
          ? readPinLine(io.stdin as Readable)
          : promptHidden(
              { stdin: io.stdin, prompt: io.stderr },
              'Signature password (6–16 characters): ',
              signal,
            ),
    });
    await writeFile(out, p7s);
    io.stdout.write(
      `Signed ${args.file} → ${resolve(out)} (${args.detached ? 'detached' : 'attached'}, ${p7s.length} bytes)\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof PinInputError) {
      io.stderr.write(`sign-with-card: ${error.message}\n`);
      return 2;
    }
    if (isShomeiError(error)) {
      // The message says what to do next; the code is what scripts branch on. Neither holds the PIN.
      io.stderr.write(`sign-with-card: ${error.message} [${error.code}]\n`);
      return ['USAGE', 'PIN_FORMAT_INVALID', 'INPUT_INVALID'].includes(error.code) ? 2 : 1;
    }
    io.stderr.write(`sign-with-card: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await card?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // `pnpm --filter … start <file>` runs in this example's directory: paths are the user's, from INIT_CWD.
  enterUserDirectory('start');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  run(process.argv.slice(2), process, controller.signal).then((code) => {
    process.exitCode = code;
  });
}
