/**
 * `portal web`: the HTTP side (Fastify + @fastify/multipart). It stores each upload in PostgreSQL,
 * puts a job on the queue, and answers with the application's id and status address; workers do the
 * verifying. Stateless: any number may run behind a load balancer.
 *
 *   GET  /                        the upload page
 *   POST /verify                  the page's form (`signature`, optional `document`; or an e-Gov
 *                                 application's files as `files` parts); redirects to the
 *                                 application's page, after waiting briefly for the verdict
 *   GET  /applications/:id        the application's page: pending (refreshes itself) or the report
 *   POST /api/applications        multipart as above, or the raw .p7s as the body → 202 { id, status, statusUrl }
 *   GET  /api/applications/:id    { id, status, receivedAt, verifiedAt?, report? }
 *   POST /api/verify              the raw .p7s; waits for the verdict and answers the report, or 202
 */
import multipart from '@fastify/multipart';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { zipSync } from 'fflate';
import { cardRoutes } from './card/routes.js';
import type { PortalConfig } from './config.js';
import { formatOf, type Upload, UploadRefused } from './formats.js';
import { type PageResult, renderPage } from './page.js';
import { PortalProblem, type ProblemCode } from './problem.js';
import { enqueue, type VerifyJob, verifyQueue } from './queue.js';
import { type Application, ApplicationStore, VerdictListener } from './store.js';

export interface WebOptions {
  /** How long a form post or /api/verify waits for the verdict before answering "pending". */
  readonly waitMs?: number;
}

interface Received extends Upload {
  readonly fileName?: string;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

export async function startWeb(config: PortalConfig, options: WebOptions = {}): Promise<FastifyInstance> {
  const waitMs = options.waitMs ?? 5000;
  const store = new ApplicationStore(config.databaseUrl);
  await store.migrate();
  const listener = new VerdictListener(config.databaseUrl);
  await listener.start();
  const queue = verifyQueue(config);
  queue.on('error', () => {}); // Redis unreachable: uploads are still stored; the sweep enqueues them.

  const app = Fastify({ bodyLimit: config.maxUploadBytes, forceCloseConnections: true });
  // Every body but a form is the signature file itself, whatever type the client declared.
  app.removeAllContentTypeParsers();
  await app.register(multipart, {
    // An e-Gov application may come as its files (kousei.xml and what it lists), one part each.
    limits: {
      fileSize: config.maxUploadBytes,
      files: config.maxZipEntries + 2,
      fields: 4,
      parts: config.maxZipEntries + 4,
      headerPairs: 20,
    },
  });
  // Any other body is the raw signature file (POST /api/verify, /api/applications).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // A declared length over the limit is refused before a byte of the body is read.
  app.addHook('onRequest', async (req) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > config.maxUploadBytes) throw tooLarge(config.maxUploadBytes);
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  app.setErrorHandler((error, req, reply) => {
    const problem = asProblem(error, config.maxUploadBytes);
    if (problem.code === 'UPLOAD_TOO_LARGE' || problem.code === 'UPLOAD_MALFORMED') {
      // The rest of a refused body is not read: answer, then close the connection.
      reply.header('connection', 'close');
    }
    if (problem.status >= 500) console.error('portal web:', error);
    const wantsPage = req.url === '/verify' || req.url.startsWith('/applications/');
    if (wantsPage) return sendPage(reply.code(problem.status), config, { kind: 'problem', problem });
    return reply.code(problem.status).send({ error: { code: problem.code, message: problem.message } });
  });
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).type('text/plain; charset=utf-8').send('Not found.'),
  );

  /** Stores the upload and puts its job on the queue (the sweep catches a job that did not make it). */
  async function accept(upload: Received): Promise<{ id: string; duplicate: boolean; receivedAt: Date }> {
    if (upload.signature.length === 0) throw noSignature();
    const format = formatOf(upload);
    if (!format) {
      throw new PortalProblem(
        'UPLOAD_NOT_CMS',
        'The file is not a CMS signature (.p7s, DER or PEM), a PDF or an e-Gov application zip. Upload the file your signing software produced.',
      );
    }
    try {
      format.inspect?.(upload, {
        maxEntries: config.maxZipEntries,
        maxUnzippedBytes: config.maxUnzippedBytes,
      });
    } catch (e) {
      if (e instanceof UploadRefused) throw new PortalProblem(e.code as ProblemCode, e.message);
      throw e;
    }
    let stored: { id: string; duplicate: boolean; receivedAt: Date };
    try {
      stored = await store.accept({
        format: format.name,
        signature: upload.signature,
        ...(upload.document ? { document: upload.document } : {}),
        ...(upload.fileName ? { fileName: upload.fileName } : {}),
      });
    } catch (cause) {
      throw new PortalProblem(
        'SERVICE_UNAVAILABLE',
        'The application could not be stored just now. Please send it again in a minute.',
        { cause },
      );
    }
    await enqueueSoon(queue, stored.id);
    return stored;
  }

  /** The application as it is now, after waiting up to `ms` for its verdict. */
  async function settle(id: string, ms: number): Promise<Application | undefined> {
    const announced = listener.wait(id, ms);
    const now = await store.get(id);
    if (!now || now.verdict || ms === 0) return now;
    await announced;
    return store.get(id);
  }

  app.get('/', (_req, reply) => sendPage(reply, config, { kind: 'empty' }));
  // "Log in / sign with your card" (src/card/): its page and JSON routes, feeding `accept`.
  await app.register(cardRoutes, { config, accept });

  app.post('/verify', async (req, reply) => {
    if (!req.isMultipart()) {
      throw new PortalProblem(
        'UPLOAD_UNSUPPORTED_TYPE',
        'Send the form as multipart/form-data (the upload page does).',
      );
    }
    const { id } = await accept(await readForm(req, config.maxUploadBytes));
    await settle(id, waitMs);
    return reply.redirect(`/applications/${id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/applications/:id', async (req, reply) => {
    const a = await store.get(req.params.id);
    if (!a) throw notFound();
    return sendPage(reply, config, pageOf(a));
  });

  app.post('/api/applications', async (req, reply) => {
    const upload = req.isMultipart() ? await readForm(req, config.maxUploadBytes) : rawUpload(req);
    const { id, duplicate, receivedAt } = await accept(upload);
    if (!duplicate) {
      return reply.code(202).send({ ...statusOf({ id, receivedAt, verdict: null, attempts: 0 }), duplicate });
    }
    const a = await store.get(id);
    return reply.code(200).send({ ...statusOf(a!), duplicate });
  });

  app.get<{ Params: { id: string } }>('/api/applications/:id', async (req) => {
    const a = await store.get(req.params.id);
    if (!a) throw notFound();
    return statusOf(a);
  });

  app.post('/api/verify', async (req, reply) => {
    const { id } = await accept(rawUpload(req));
    const a = await settle(id, waitMs);
    if (a?.report)
      return reply
        .header('location', `/api/applications/${id}`)
        .type('application/json; charset=utf-8')
        .send(a.report);
    return reply.code(202).send(statusOf(a!));
  });

  for (const path of ['/verify', '/api/applications', '/api/verify']) {
    app.get(path, (_req, reply) =>
      reply.code(405).header('allow', 'POST').type('text/plain; charset=utf-8').send('Method not allowed.'),
    );
  }

  app.addHook('onClose', async () => {
    await queue.close().catch(() => {});
    await listener.close();
    await store.close();
  });
  return app;
}

/** The part of an application a client may see: never the uploaded files. */
function statusOf(
  a: Pick<Application, 'id' | 'receivedAt' | 'verdict' | 'attempts'> &
    Partial<Pick<Application, 'verifiedAt' | 'report'>>,
) {
  return {
    id: a.id,
    status: a.verdict ?? 'pending',
    statusUrl: `/api/applications/${a.id}`,
    pageUrl: `/applications/${a.id}`,
    receivedAt: a.receivedAt.toISOString(),
    attempts: a.attempts,
    ...(a.verifiedAt ? { verifiedAt: a.verifiedAt.toISOString() } : {}),
    ...(a.report ? { report: a.report } : {}),
  };
}

function pageOf(a: Application): PageResult {
  if (!a.report) return { kind: 'pending', id: a.id, receivedAt: a.receivedAt, attempts: a.attempts };
  return { kind: 'report', report: a.report, id: a.id, ...(a.fileName ? { fileName: a.fileName } : {}) };
}

/** Enqueues within a bound: with Redis down the upload is still stored, and the sweep enqueues it. */
async function enqueueSoon(queue: Queue<VerifyJob>, id: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 2000);
  });
  await Promise.race([enqueue(queue, id).catch(() => {}), late]);
  clearTimeout(timer);
}

async function readForm(req: FastifyRequest, limit: number): Promise<Received> {
  let signature: { data: Uint8Array; fileName: string } | undefined;
  let document: Uint8Array | undefined;
  const files = new Map<string, Uint8Array>();
  let total = 0;
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    const data = new Uint8Array(await part.toBuffer());
    total += data.length;
    if (total > limit) throw tooLarge(limit);
    if (part.fieldname === 'signature') signature = { data, fileName: part.filename };
    else if (part.fieldname === 'document') document = data;
    else if (part.fieldname === 'files' && (part.filename || data.length)) {
      if (files.has(part.filename)) {
        throw new PortalProblem(
          'UPLOAD_MALFORMED',
          `The file "${part.filename}" was sent twice. Choose each file of the application once.`,
        );
      }
      files.set(part.filename, data);
    }
  }
  if (files.size > 0 && signature && signature.data.length > 0) {
    throw new PortalProblem(
      'UPLOAD_MALFORMED',
      "Send either one signed file or an e-Gov application's files, not both.",
    );
  }
  if (files.size > 0) return { signature: zipApplication(files), fileName: 'application.zip' };
  if (!signature || signature.data.length === 0) throw noSignature();
  return {
    signature: signature.data,
    ...(document && document.length > 0 ? { document } : {}),
    ...(signature.fileName ? { fileName: signature.fileName } : {}),
  };
}

/**
 * An e-Gov application sent as separate files is stored as the zip it would have been sent as, so it
 * meets the same checks (core's hostile-zip reader: names, entry count, size) and the same verifier.
 * Names sorted, a fixed time and no compression: the same files make the same bytes, so a second
 * upload of them is recognised as a duplicate.
 */
function zipApplication(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const name of [...files.keys()].sort()) entries[name] = files.get(name)!;
  return zipSync(entries, { level: 0, mtime: ZIP_TIME });
}
const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

function rawUpload(req: FastifyRequest): Received {
  const body = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw noSignature();
  return { signature: new Uint8Array(body) };
}

function sendPage(reply: FastifyReply, config: PortalConfig, result: PageResult) {
  return reply.type('text/html; charset=utf-8').send(renderPage(result, config));
}

const tooLarge = (limit: number) =>
  new PortalProblem(
    'UPLOAD_TOO_LARGE',
    `The upload is larger than the limit of ${limit} bytes. Send a smaller file.`,
  );
const noSignature = () =>
  new PortalProblem(
    'UPLOAD_NO_SIGNATURE',
    'No signature file was uploaded. Choose the .p7s file and send again.',
  );
const notFound = () =>
  new PortalProblem('APPLICATION_NOT_FOUND', 'There is no application with this number. Check the address.');

/** Maps framework and parser errors to the portal's problem codes. */
function asProblem(error: unknown, limit: number): PortalProblem {
  if (error instanceof PortalProblem) return error;
  const code = (error as { code?: string }).code ?? '';
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || code === 'FST_REQ_FILE_TOO_LARGE' || statusCode === 413)
    return tooLarge(limit);
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new PortalProblem(
      'UPLOAD_MALFORMED',
      'The form has more parts than the upload page sends. Please send it again.',
    );
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new PortalProblem(
      'UPLOAD_UNSUPPORTED_TYPE',
      'Send the form as multipart/form-data (the upload page does).',
    );
  }
  if (
    code.startsWith('FST_') ||
    (statusCode !== undefined && statusCode >= 400 && statusCode < 500) ||
    isBusboy(error)
  ) {
    return new PortalProblem(
      'UPLOAD_MALFORMED',
      `The upload could not be read as a form (${(error as Error).message}). Please send it again.`,
    );
  }
  return new PortalProblem(
    'VERIFY_FAILED',
    'The upload could not be processed because of an error on our side.',
    {
      cause: error,
    },
  );
}

/** busboy's own errors (a malformed multipart body) carry no code, only these messages. */
function isBusboy(error: unknown): boolean {
  return (
    error instanceof Error &&
    /Unexpected end of (form|multipart data)|Malformed part header|Boundary not found|Part terminated early/i.test(
      error.message,
    )
  );
}
