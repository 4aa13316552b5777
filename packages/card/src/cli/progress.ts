/** A progress bar on stderr while a large file is hashed — only on a TTY, at most ~10 redraws a second. */

export interface Progress {
  update(bytes: number): void;
  done(): void;
}

const NONE: Progress = { update() {}, done() {} };

export function progressBar(
  label: string,
  total: number,
  stream: { write(text: string): unknown; isTTY?: boolean } = process.stderr,
): Progress {
  if (!stream.isTTY || total < 16 * 1024 * 1024) return NONE;
  let last = 0;
  let drawn = false;
  const draw = (bytes: number) => {
    const ratio = Math.min(1, bytes / total);
    const width = 30;
    const full = Math.round(ratio * width);
    stream.write(
      `\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${(bytes / 2 ** 20).toFixed(0)}/${(total / 2 ** 20).toFixed(0)} MiB`,
    );
    drawn = true;
  };
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(bytes);
    },
    done() {
      if (drawn) {
        draw(total);
        stream.write('\n');
      }
    },
  };
}
