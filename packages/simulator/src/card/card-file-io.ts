/**
 * Reading and writing card files on disk (Node only, like the whole simulator). Writes go to a
 * temporary file first and are renamed into place, so a crash never leaves half a card file.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { simulatorError } from '../errors.js';
import { VirtualJpkiCard } from './virtual-card.js';

export function loadCardFile(path: string): VirtualJpkiCard {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw simulatorError('INPUT_NOT_FOUND', `The card file ${path} does not exist.`, { cause });
    }
    throw simulatorError('CARD_FILE_UNREADABLE', `Cannot read the card file ${path}.`, { cause });
  }
  return VirtualJpkiCard.load(text);
}

export function saveCardFile(
  path: string,
  card: VirtualJpkiCard,
  options: { overwrite?: boolean } = {},
): void {
  const tmp = `${path}.${process.pid}.tmp`;
  let placeholder = false;
  try {
    // `wx` refuses to replace an existing file unless asked to; mode 0600 because the file holds (test) keys.
    if (!options.overwrite) {
      writeFileSync(path, '', { flag: 'wx', mode: 0o600 });
      placeholder = true;
    }
    writeFileSync(tmp, card.save(), { mode: 0o600 });
    renameSync(tmp, path);
  } catch (cause) {
    rmSync(tmp, { force: true });
    if (placeholder) rmSync(path, { force: true });
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw simulatorError('OUTPUT_EXISTS', `${path} exists already; choose another path or pass --force.`, {
        cause,
      });
    }
    throw simulatorError('CARD_FILE_UNREADABLE', `Cannot write the card file ${path}.`, { cause });
  }
}
