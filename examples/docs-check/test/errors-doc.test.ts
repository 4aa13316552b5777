/**
 * docs/errors.md stays generated and complete: every code of every table is on the page, the
 * hand-written explanations name only codes that exist, and every card and simulator code has one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ERRORS_DOC,
  errorTables,
  explanation,
  readErrorExtra,
  renderErrorsDoc,
} from '../../../scripts/errors-doc.js';

const tables = errorTables();
const extra = readErrorExtra();
const allCodes = new Set(tables.flatMap(([, table]) => Object.keys(table)));

describe('docs/errors.md', () => {
  it('is up to date with the error tables and errors.extra.json (run `pnpm docs:errors`)', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8'), 'docs/errors.md is stale: run `pnpm docs:errors`').toBe(
      renderErrorsDoc(tables, extra),
    );
  });

  it('has explanations only for codes that exist (codes of other branches go under $pending)', () => {
    expect(Object.keys(extra.current).filter((code) => !allCodes.has(code))).toEqual([]);
  });

  it.each(['@shomei/core', '@shomei/card', '@shomei/simulator'])(
    'explains every %s code (when, cause, what to do)',
    (pkg) => {
      const table = tables.find(([name]) => name === pkg)![1];
      const missing = Object.keys(table).filter((code) => {
        const e = explanation(extra, code);
        return !e?.when || !e.cause || !e.action;
      });
      expect(missing, 'add { when, cause, action } for these codes to docs/errors.extra.json').toEqual([]);
    },
  );

  it('uses an explanation written ahead ($pending) once its code is in a table', () => {
    const page = renderErrorsDoc(
      [['@x/y', { AUTHORITY_EXISTS: { message: 'm', docs: 'authority_exists' } }]],
      extra,
    );
    expect(page).toContain('- **When:** Creating a test authority in a directory.');
  });

  it('gives every code an anchor', () => {
    const page = renderErrorsDoc(tables, extra);
    const missing = tables.flatMap(([, table]) =>
      Object.values(table)
        .filter((info) => !page.includes(`id="${info.docs}"`))
        .map((info) => info.docs),
    );
    expect(missing).toEqual([]);
  });
});
