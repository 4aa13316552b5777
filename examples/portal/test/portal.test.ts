/**
 * The portal end to end on real PostgreSQL and Redis: uploads through the form and the JSON API are
 * stored, queued, verified by a worker and read back — from HTTP and straight from the database. Also
 * the upload limits, the problem codes, escaping, and a double upload recognised.
 */
import { verifyCmsLongTerm, verifyEgovApplicationLongTerm } from '@shomei/core/node';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION, EGOV_FORM, type PortalFixture, portalFixture } from './fixture.js';
import { type InProcessPortal, inProcessPortal, verdicts } from './harness.js';

let fixture: PortalFixture;
let portal: InProcessPortal;
let base: string;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  fixture = await portalFixture();
  portal = await inProcessPortal(fixture.authority.trustAnchors, {
    maxUploadBytes: LIMIT,
    maxUnzippedBytes: 1024 * 1024,
    tsaUrl: `${fixture.server.url}/tsa`,
  });
  base = portal.url;
}, 60_000);

afterAll(async () => {
  await portal?.close();
  await fixture?.close();
});

function form(files: Record<string, { data: Uint8Array; name: string }>): FormData {
  const body = new FormData();
  for (const [field, file] of Object.entries(files))
    body.append(field, new Blob([new Uint8Array(file.data)]), file.name);
  return body;
}

/**
 * Posts the page's form and follows the redirect to the application's page, reloading it while it
 * says pending (as the page's own refresh would, on a machine slower than the form's wait).
 */
async function upload(files: Record<string, { data: Uint8Array; name: string }>) {
  const response = await fetch(`${base}/verify`, { method: 'POST', body: form(files) });
  let html = await response.text();
  for (let i = 0; i < 100 && verdictOf(html) === 'pending'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    html = await (await fetch(response.url)).text();
  }
  return { status: response.status, html, url: response.url };
}

const verdictOf = (html: string) => /id="verdict">([^<]*)</.exec(html)?.[1];
const idOf = (url: string) => /\/applications\/([0-9a-f-]{36})$/.exec(url)?.[1];

interface Status {
  id: string;
  status: string;
  statusUrl: string;
  duplicate?: boolean;
  report?: { verdict: string; code?: string };
}

async function postApplication(body: Uint8Array): Promise<{ status: number; json: Status }> {
  const response = await fetch(`${base}/api/applications`, { method: 'POST', body: new Uint8Array(body) });
  return { status: response.status, json: (await response.json()) as Status };
}

async function waitVerified(statusUrl: string): Promise<Status> {
  for (let i = 0; i < 200; i++) {
    const s = (await (await fetch(`${base}${statusUrl}`)).json()) as Status;
    if (s.status !== 'pending') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${statusUrl} stayed pending`);
}

describe('the upload page', () => {
  it('GET / serves the form with the two file inputs', async () => {
    const response = await fetch(`${base}/`);
    const html = await response.text();
    expect([response.status, html.includes('name="signature"'), html.includes('name="document"')]).toEqual([
      200,
      true,
      true,
    ]);
  });

  it('an attached signature by a card in force is valid and names the holder, on its own page', async () => {
    const { status, html, url } = await upload({
      signature: { data: fixture.valid, name: 'application.p7s' },
    });
    expect([
      status,
      verdictOf(html)?.startsWith('valid'),
      /id="holder-name">見本　花子</.test(html),
      !!idOf(url),
    ]).toEqual([200, true, true, true]);
  });

  it('shows where the revocation status came from (live OCSP)', async () => {
    const { html } = await upload({ signature: { data: fixture.valid, name: 'application.p7s' } });
    expect(html).toContain('good — OCSP');
  });

  it('a detached signature with its document is valid', async () => {
    const { html } = await upload({
      signature: { data: fixture.detached, name: 'application.p7s' },
      document: { data: APPLICATION, name: 'application.txt' },
    });
    expect(verdictOf(html)?.startsWith('valid')).toBe(true);
  });

  it('a detached signature without its document says the content is missing', async () => {
    const { html } = await upload({ signature: { data: fixture.detached, name: 'detached-alone.p7s' } });
    expect([verdictOf(html), html.includes('CMS_CONTENT_MISSING')]).toEqual(['indeterminate', true]);
  });

  it('a detached signature with another document is invalid, and shows none of the holder’s facts', async () => {
    const { html } = await upload({
      signature: { data: fixture.detached, name: 'application.p7s' },
      document: { data: new TextEncoder().encode('a different application'), name: 'other.txt' },
    });
    expect([
      verdictOf(html)?.startsWith('invalid'),
      html.includes('CMS_DIGEST_MISMATCH'),
      html.includes('見本　花子'),
      html.includes('霞が関'),
    ]).toEqual([true, true, false, false]);
  });

  it('a signature by a card reported lost is revoked (CERT_REVOKED), without the holder’s facts', async () => {
    const { status, html } = await upload({ signature: { data: fixture.revoked, name: 'lost.p7s' } });
    expect([
      status,
      verdictOf(html),
      html.includes('CERT_REVOKED'),
      html.includes('revoked (keyCompromise)'),
      html.includes('見本　次郎'),
    ]).toEqual([200, 'invalid — the certificate is revoked', true, true, false]);
  });

  it('a file that is not CMS gets a sentence with UPLOAD_NOT_CMS (422), and nothing is stored', async () => {
    const before = (await verdicts(portal.services.databaseUrl)).size;
    const { status, html } = await upload({
      signature: { data: new TextEncoder().encode('hello, not a signature'), name: 'notes.txt' },
    });
    const after = (await verdicts(portal.services.databaseUrl)).size;
    expect([
      status,
      html.includes('is not a CMS signature'),
      html.includes('UPLOAD_NOT_CMS'),
      after - before,
    ]).toEqual([422, true, true, 0]);
  });

  it('DER that is not a SignedData gets a report with its code', async () => {
    const { status, html } = await upload({
      signature: { data: new Uint8Array([0x30, 0x03, 1, 2]), name: 'x.p7s' },
    });
    expect([status, verdictOf(html), /CMS_MALFORMED|DER_MALFORMED/.test(html)]).toEqual([
      200,
      'indeterminate',
      true,
    ]);
  });

  it('a form without a signature file is UPLOAD_NO_SIGNATURE (400)', async () => {
    const { status, html } = await upload({ document: { data: APPLICATION, name: 'application.txt' } });
    expect([status, html.includes('UPLOAD_NO_SIGNATURE')]).toEqual([400, true]);
  });

  it('escapes the uploaded file name', async () => {
    const { html } = await upload({
      signature: { data: fixture.valid, name: '<img src=x onerror=alert(1)>.p7s' },
    });
    // The same signature was uploaded before: the first application (and its file name) is shown.
    expect(html.includes('<img src=x')).toBe(false);
  });

  it('a body that is not multipart/form-data is UPLOAD_UNSUPPORTED_TYPE (415)', async () => {
    const response = await fetch(`${base}/verify`, { method: 'POST', body: new Uint8Array(fixture.valid) });
    expect([response.status, (await response.text()).includes('UPLOAD_UNSUPPORTED_TYPE')]).toEqual([
      415,
      true,
    ]);
  });

  it('a malformed multipart body is UPLOAD_MALFORMED (400)', async () => {
    const response = await fetch(`${base}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=abc' },
      body: '--abc\r\nno headers end here',
    });
    expect([response.status, (await response.text()).includes('UPLOAD_MALFORMED')]).toEqual([400, true]);
  });

  it('an unknown application is APPLICATION_NOT_FOUND (404)', async () => {
    const response = await fetch(`${base}/applications/00000000-0000-4000-8000-000000000000`);
    expect([response.status, (await response.text()).includes('APPLICATION_NOT_FOUND')]).toEqual([404, true]);
  });
});

describe('limits', () => {
  it('an upload over the limit gets 413 UPLOAD_TOO_LARGE from its Content-Length', async () => {
    const { status, html } = await upload({
      signature: { data: new Uint8Array(LIMIT + 1), name: 'big.p7s' },
    });
    expect([status, html.includes('UPLOAD_TOO_LARGE')]).toEqual([413, true]);
  });

  it('a streamed upload without Content-Length is cut off at the limit with 413', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(16 * 1024).fill(0x30));
        controller.close();
      },
    });
    const response = await fetch(`${base}/api/verify`, {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([
      413,
      'UPLOAD_TOO_LARGE',
    ]);
  });

  it('the server keeps serving after refusals', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});

describe('the JSON API', () => {
  it('POST /api/verify waits for the worker and answers the ValidationReport', async () => {
    const response = await fetch(`${base}/api/verify`, {
      method: 'POST',
      body: new Uint8Array(fixture.valid),
    });
    const report = (await response.json()) as { verdict: string; signer: { jpki?: { name: string } } };
    expect([response.status, report.verdict, report.signer.jpki?.name]).toEqual([200, 'valid', '見本　花子']);
  });

  it('POST /api/applications answers 202 with a status URL that goes from pending to verified', async () => {
    const [fresh] = await fixture.applications(1);
    const { status, json } = await postApplication(fresh!);
    const done = await waitVerified(json.statusUrl);
    expect([status, json.status, json.statusUrl, done.status, done.report?.verdict]).toEqual([
      202,
      'pending',
      `/api/applications/${json.id}`,
      'valid',
      'valid',
    ]);
  });

  it('the same upload posted twice is one application (answered 200 with the first id)', async () => {
    const [fresh] = await fixture.applications(1);
    const first = await postApplication(fresh!);
    const second = await postApplication(fresh!);
    const rows = [...(await verdicts(portal.services.databaseUrl)).keys()].filter(
      (id) => id === first.json.id,
    );
    expect([
      first.status,
      second.status,
      second.json.id === first.json.id,
      second.json.duplicate,
      rows.length,
    ]).toEqual([202, 200, true, true, 1]);
  });

  it('the same upload posted several times at once is one application, stored by the first post only', async () => {
    const [fresh] = await fixture.applications(1);
    // Sent together, the posts reach the store in one batch: one INSERT carries all four copies.
    const posts = await Promise.all([0, 1, 2, 3].map(() => postApplication(fresh!)));
    const ids = new Set(posts.map((p) => p.json.id));
    const { rows } = await portal.services.query(
      'SELECT count(*)::int AS n FROM applications WHERE id = $1',
      [posts[0]!.json.id],
    );
    expect([
      ids.size,
      posts.filter((p) => p.status === 202 && !p.json.duplicate).length,
      posts.filter((p) => p.status === 200 && p.json.duplicate).length,
      rows[0].n,
    ]).toEqual([1, 1, 3, 1]);
  });

  it('answers problems as { error: { code, message } }', async () => {
    const response = await fetch(`${base}/api/verify`, { method: 'POST', body: 'plain text' });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect([response.status, body.error.code, body.error.message.length > 20]).toEqual([
      422,
      'UPLOAD_NOT_CMS',
      true,
    ]);
  });

  it('unknown paths are 404 and wrong methods 405', async () => {
    const [missing, wrong] = await Promise.all([fetch(`${base}/nope`), fetch(`${base}/verify`)]);
    expect([missing.status, wrong.status, wrong.headers.get('allow')]).toEqual([404, 405, 'POST']);
  });
});

describe('the database', () => {
  it('holds one verdict per application: valid, revoked and garbage read back with their codes', async () => {
    const [fresh] = await fixture.applications(1);
    const ids = await Promise.all(
      [fresh!, fixture.revoked, new Uint8Array([0x30, 0x03, 9, 9, 9])].map(
        async (b) => (await postApplication(b)).json,
      ),
    );
    await Promise.all(ids.map((s) => waitVerified(s.statusUrl)));
    const rows = await verdicts(portal.services.databaseUrl);
    expect(ids.map((s) => rows.get(s.id))).toEqual([
      { verdict: 'valid', code: null },
      { verdict: 'invalid', code: 'CERT_REVOKED' },
      { verdict: 'indeterminate', code: expect.stringMatching(/CMS_MALFORMED|DER_MALFORMED/) },
    ]);
  });
});

describe('PDF and e-Gov uploads', () => {
  it('a signed PDF is valid: the page shows each signature, its signer and the revision it signs', async () => {
    const { html, url } = await upload({ signature: { data: fixture.pdf, name: 'request.pdf' } });
    const rows = await verdicts(portal.services.databaseUrl);
    expect([
      verdictOf(html),
      html.includes('id="pdf-signature-1"'),
      html.includes('Signs revision 2 of 2 — the whole file as uploaded'),
      html.includes('見本　花子'),
      rows.get(idOf(url)!),
    ]).toEqual([
      'valid — the signature is genuine and the certificate is in force',
      true,
      true,
      true,
      { verdict: 'valid', code: null },
    ]);
  });

  it('a PDF changed after signing is invalid, with the code, and no signer shown', async () => {
    const tampered = new Uint8Array(fixture.pdf);
    const at = new TextDecoder('latin1').decode(tampered).indexOf('Juminhyo');
    tampered[at] = 'X'.charCodeAt(0);
    const { html, url } = await upload({ signature: { data: tampered, name: 'request.pdf' } });
    const row = (await verdicts(portal.services.databaseUrl)).get(idOf(url)!);
    expect([
      verdictOf(html),
      row?.verdict,
      html.includes('見本　花子'),
      html.includes('id="pdf-signature-1"'),
    ]).toEqual(['invalid', 'invalid', false, true]);
  });

  it('an e-Gov application zip is valid: the page lists what each reference covered', async () => {
    const { html, url } = await upload({ signature: { data: fixture.egovZip, name: 'application.zip' } });
    const row = (await verdicts(portal.services.databaseUrl)).get(idOf(url)!);
    expect([
      verdictOf(html),
      html.includes('element /DataRoot[1]/構成情報[1]'),
      html.includes(`file ${EGOV_FORM}`),
      html.includes('見本　花子'),
      row,
    ]).toEqual([
      'valid — the signature is genuine and the certificate is in force',
      true,
      true,
      true,
      { verdict: 'valid', code: null },
    ]);
  });

  it('an e-Gov application sent as separate files is verified like its zip; the same files again are the same application', async () => {
    const body = () => {
      const f = new FormData();
      for (const [name, data] of fixture.egovFiles) f.append('files', new Blob([new Uint8Array(data)]), name);
      return f;
    };
    const first = await fetch(`${base}/verify`, { method: 'POST', body: body() });
    const again = await fetch(`${base}/verify`, { method: 'POST', body: body() });
    let page = await first.text();
    for (let i = 0; i < 100 && verdictOf(page) === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      page = await (await fetch(first.url)).text();
    }
    expect([
      verdictOf(page),
      page.includes('element /DataRoot[1]/構成情報[1]'),
      page.includes(`file ${EGOV_FORM}`),
      again.url === first.url,
    ]).toEqual(['valid — the signature is genuine and the certificate is in force', true, true, true]);
  });

  it("a form with both a signed file and an application's files is refused", async () => {
    const f = new FormData();
    f.append('signature', new Blob([new Uint8Array(fixture.egovZip)]), 'application.zip');
    f.append('files', new Blob([new Uint8Array(fixture.egovFiles.get('kousei.xml')!)]), 'kousei.xml');
    const response = await fetch(`${base}/api/applications`, { method: 'POST', body: f });
    const json = (await response.json()) as { error: { code: string } };
    expect([response.status, json.error.code]).toEqual([400, 'UPLOAD_MALFORMED']);
  });

  it('an e-Gov application whose form was changed after signing is invalid, naming the reference', async () => {
    const { status, json } = await postApplication(fixture.egovZipTampered);
    const done = (await waitVerified(json.statusUrl)) as Status & {
      report: { xml?: { references: { file?: string; ok: boolean }[] } };
    };
    expect([
      status,
      done.status,
      done.report.xml?.references.filter((r) => !r.ok).map((r) => r.file),
    ]).toEqual([202, 'invalid', [EGOV_FORM]]);
  });

  it.each([
    [
      'a name that climbs out of the folder',
      () => zipSync({ '../kousei.xml': new Uint8Array(1) }),
      'UPLOAD_ZIP_UNSAFE_NAME',
      422,
    ],
    [
      'an absolute name',
      () => zipSync({ '/etc/kousei.xml': new Uint8Array(1) }),
      'UPLOAD_ZIP_UNSAFE_NAME',
      422,
    ],
    [
      'more entries than the limit',
      () =>
        zipSync(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a/${i}.xml`, new Uint8Array(1)]))),
      'UPLOAD_ZIP_TOO_MANY_ENTRIES',
      422,
    ],
    [
      'a zip bomb (a few KB inflating past the limit)',
      () => zipSync({ 'a/kousei.xml': new Uint8Array(2 * 1024 * 1024) }, { level: 9 }),
      'UPLOAD_ZIP_TOO_LARGE',
      413,
    ],
    [
      'a truncated zip',
      () => zipSync({ 'a/kousei.xml': new Uint8Array(10) }).subarray(0, 40),
      'UPLOAD_ZIP_MALFORMED',
      422,
    ],
  ])('%s is refused with its code before anything is stored', async (_what, make, code, httpStatus) => {
    const before = (await verdicts(portal.services.databaseUrl)).size;
    const response = await fetch(`${base}/api/applications`, {
      method: 'POST',
      body: new Uint8Array(make()),
    });
    const body = (await response.json()) as { error: { code: string } };
    const after = (await verdicts(portal.services.databaseUrl)).size;
    expect([response.status, body.error.code, after - before]).toEqual([httpStatus, code, 0]);
  });
});

describe('long-term evidence', () => {
  it('an accepted CMS application is kept as B-LTA that validates offline; a refused one keeps none', async () => {
    const [fresh] = await fixture.applications(1);
    const ids = await Promise.all(
      [fresh!, fixture.revoked].map(async (b) => (await postApplication(b)).json),
    );
    const done = await Promise.all(ids.map((s) => waitVerified(s.statusUrl)));
    const rows = await portal.services.query('SELECT id, evidence FROM applications WHERE id = ANY($1)', [
      ids.map((s) => s.id),
    ]);
    const evidence = new Map(
      rows.rows.map((r: { id: string; evidence: Buffer | null }) => [r.id, r.evidence]),
    );
    const lta = evidence.get(ids[0]!.id);
    const offline = lta
      ? await verifyCmsLongTerm(new Uint8Array(lta), { trustAnchors: fixture.authority.trustAnchors })
      : undefined;
    expect([
      done.map((d) => d.status),
      (done[0]!.report as { evidence?: { level?: string } }).evidence?.level,
      offline?.verdict,
      offline?.level,
      evidence.get(ids[1]!.id),
    ]).toEqual([['valid', 'invalid'], 'LTA', 'valid', 'LTA', null]);
  });

  it('an accepted e-Gov application keeps kousei.xml as XAdES B-LTA that validates offline with the upload', async () => {
    const { json } = await postApplication(fixture.egovZip);
    const done = await waitVerified(json.statusUrl);
    const rows = await portal.services.query('SELECT evidence FROM applications WHERE id = $1', [json.id]);
    const kousei = rows.rows[0]?.evidence as Buffer | null;
    const files = new Map(
      Object.entries(unzipSync(fixture.egovZip)).map(([name, data]) => [name.replace(/^.*\//, ''), data]),
    );
    if (kousei) files.set('kousei.xml', new Uint8Array(kousei));
    const offline = kousei
      ? await verifyEgovApplicationLongTerm(files, { trustAnchors: fixture.authority.trustAnchors })
      : undefined;
    expect([
      done.status,
      (done.report as { evidence?: { level?: string } }).evidence?.level,
      offline?.verdict,
      offline?.level,
    ]).toEqual(['valid', 'LTA', 'valid', 'LTA']);
  });
});
