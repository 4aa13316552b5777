/**
 * How the demo talks: numbered steps, aligned "label  value" lines, and a mark for every
 * expectation, so a reader sees at a glance which step turned out as expected.
 */
const LABEL_WIDTH = 16;

export class DemoOutput {
  readonly #write: (line: string) => void;
  #step = 0;
  #failures: string[] = [];

  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  get failures(): readonly string[] {
    return this.#failures;
  }

  line(text = ''): void {
    this.#write(text);
  }

  step(title: string): void {
    this.#step += 1;
    this.#write('');
    this.#write(`${this.#step}. ${title}`);
  }

  fact(label: string, value: string): void {
    this.#write(`   ${label.padEnd(LABEL_WIDTH)} ${value}`);
  }

  /** Records an expectation: `✓ what` when it held, `✗ what (got …)` otherwise. */
  expect(what: string, ok: boolean, got?: string): boolean {
    if (ok) this.#write(`   ✓ ${what}`);
    else {
      this.#write(`   ✗ ${what}${got ? ` (got ${got})` : ''}`);
      this.#failures.push(what);
    }
    return ok;
  }

  fail(what: string, error: unknown): void {
    const code = typeof error === 'object' && error && 'code' in error ? ` [${String(error.code)}]` : '';
    const message = error instanceof Error ? error.message : String(error);
    this.#write(`   ✗ ${what}: ${message}${code}`);
    this.#failures.push(what);
  }
}
