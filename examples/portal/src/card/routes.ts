/**
 * "Log in with your card" and "Sign this application with your card" for the portal: the page at
 * /card uses the shomei page API (examples/browser-extension) and these JSON routes, which run the
 * server's half with @shomei/core. A signed application then takes the portal's ordinary path: it is
 * stored in PostgreSQL and verified by a worker, and its page shows the report.
 *
 *   GET  /card                       the page
 *   POST /api/card/login/begin       → { challengeId, nonce, expiresAt }
 *   POST /api/card/login/finish      { challengeId, token } → the LoginReport
 *   POST /api/card/sign/prepare      { format, copies, purpose, note, certificate, chain? }
 *                                    → { signatureId, hash, hashAlgorithm, description }
 *   POST /api/card/sign/finish       { signatureId, signature, certificate } → { id, status, statusUrl, pageUrl }
 *
 * Every POST must carry the portal's own Origin header (a cross-site page cannot drive them), and the
 * origin a login token is checked against is the configured one, never one read from the request.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  createLoginChallenge,
  finishExternalCms,
  finishExternalEgov,
  finishExternalPdf,
  fromBase64,
  isShomeiError,
  type LoginChallenge,
  type PreparedCmsSignature,
  type PreparedExternalPdf,
  type PreparedExternalXml,
  prepareExternalCms,
  prepareExternalEgov,
  prepareExternalPdf,
  toBase64,
  verifyLogin,
} from '@shomei/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PortalConfig } from '../config.js';
import {
  type ApplicationFields,
  applicationEgov,
  applicationPdf,
  applicationText,
  CARD_FORMATS,
  type CardFormat,
  egovZip,
  PURPOSES,
  readFields,
} from './documents.js';
import { renderCardPage } from './page.js';
import { PendingStore } from './pending.js';

export interface CardRoutesOptions {
  readonly config: PortalConfig;
  /** The portal's upload path: stores the signed file and queues its verification. */
  readonly accept: (upload: {
    signature: Uint8Array;
    fileName?: string;
  }) => Promise<{ id: string; duplicate: boolean; receivedAt: Date }>;
}

type CardErrorCode =
  | 'CARD_REQUEST_INVALID'
  | 'CARD_ORIGIN_REFUSED'
  | 'CARD_PENDING_UNKNOWN'
  | 'CARD_ORIGIN_UNKNOWN'
  | 'SERVICE_UNAVAILABLE';

class CardProblem extends Error {
  constructor(
    readonly code: CardErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface PendingSignature {
  readonly format: CardFormat;
  /** base64 of the document (cms: the text, pdf: the PDF) or of each file of the e-Gov folder. */
  readonly files: Readonly<Record<string, string>>;
  readonly prepared: PreparedCmsSignature | PreparedExternalPdf | PreparedExternalXml;
}

const LOGIN_TTL_MS = 5 * 60_000;
const SIGN_TTL_MS = 10 * 60_000;
const MAX_BODY = 64 * 1024;
const PAGE_API = new URL('../../../browser-extension/page/shomei-card.js', import.meta.url);
const PAGE_SCRIPT = new URL('../../public/card.js', import.meta.url);
const CARD_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'";
const FORMAT_NAMES: Record<CardFormat, string> = { cms: 'CMS', pdf: 'PDF', egov: 'e-Gov XML' };

const invalid = (message: string) => new CardProblem('CARD_REQUEST_INVALID', 400, message);

function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const raw = req.body;
  if (!Buffer.isBuffer(raw) || raw.length > MAX_BODY) throw invalid('Send a JSON object of at most 64 KiB.');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid('The body is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('Send a JSON object.');
  return value as Record<string, unknown>;
}

const text = (v: unknown, name: string, max = 64 * 1024): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw invalid(`${name} must be a non-empty string.`);
  return v;
};
const der = (v: unknown, name: string): Uint8Array => {
  try {
    return fromBase64(text(v, name, 16 * 1024));
  } catch (e) {
    if (e instanceof CardProblem) throw e;
    throw invalid(`${name} must be base64.`);
  }
};

/** Registers the page and the routes (a Fastify plugin: its hooks and error handler stay inside). */
export async function cardRoutes(app: FastifyInstance, options: CardRoutesOptions): Promise<void> {
  const { config, accept } = options;
  const pending = new PendingStore(config.redisUrl, config.queueName);
  app.addHook('onClose', () => pending.close());

  // The card page runs two scripts of its own origin; the portal's other pages run none.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CARD_CSP);
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof CardProblem)
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (isShomeiError(error))
      return reply.code(422).send({ error: { code: error.code, message: error.message } });
    const redisDown = /Redis|ECONNREFUSED|Connection is closed|max retries/i.test((error as Error).message);
    if (redisDown)
      return reply.code(503).send({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'The service is busy just now. Please try again in a minute.',
        },
      });
    console.error('portal card:', error);
    return reply.code(500).send({ error: { code: 'VERIFY_FAILED', message: 'An error on our side.' } });
  });

  /** This portal's origin: the configured one, else where this process listens (development). */
  const origin = (): string => {
    if (config.origin) return config.origin;
    const address = app.server.address() as AddressInfo | null;
    if (!address || !/^(127\.0\.0\.1|localhost|::1)$/.test(config.host))
      throw new CardProblem(
        'CARD_ORIGIN_UNKNOWN',
        503,
        'Set "origin" in the portal configuration (the address citizens open, e.g. https://portal.example.jp).',
      );
    return `http://${config.host === '::1' ? '[::1]' : config.host}:${address.port}`;
  };

  const sameOrigin = async (req: FastifyRequest) => {
    if (req.headers.origin !== origin())
      throw new CardProblem('CARD_ORIGIN_REFUSED', 403, 'Cross-origin request refused: use the portal page.');
  };

  const page = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').send(renderCardPage(Object.entries(PURPOSES)));
  app.get('/card', (_req, reply) => page(reply));
  app.get('/card/app.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(await readFile(PAGE_SCRIPT)),
  );
  app.get('/card/shomei-card.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(await readFile(PAGE_API)),
  );

  app.post('/api/card/login/begin', { preHandler: sameOrigin }, async () => {
    const challenge = createLoginChallenge({ ttlMs: LOGIN_TTL_MS });
    const challengeId = await pending.put('login', challenge, LOGIN_TTL_MS);
    return { challengeId, nonce: challenge.nonce, expiresAt: challenge.expiresAt };
  });

  app.post('/api/card/login/finish', { preHandler: sameOrigin }, async (req) => {
    const body = jsonBody(req);
    const token = text(body.token, 'token', 32 * 1024);
    // Taken whatever the verdict: one token per challenge (no replay).
    const challenge = await pending.take<LoginChallenge>('login', text(body.challengeId, 'challengeId', 64));
    if (!challenge)
      throw new CardProblem(
        'CARD_PENDING_UNKNOWN',
        410,
        'This login was already used or has expired. Start again.',
      );
    return verifyLogin(token, {
      challenge,
      origin: origin(),
      trustAnchors: config.trustAnchors,
      intermediates: config.intermediates,
      crls: config.crls,
      // A login asks for the status now: no cached OCSP answer from before a revocation.
      revocation: { mode: config.revocation, fetch: config.fetchRevocation, fetchCache: null },
    });
  });

  app.post('/api/card/sign/prepare', { preHandler: sameOrigin }, async (req) => {
    const body = jsonBody(req);
    const format = body.format as CardFormat;
    if (!CARD_FORMATS.includes(format)) throw invalid(`format must be one of ${CARD_FORMATS.join(', ')}.`);
    const fields = readFields(body);
    if (typeof fields === 'string') throw invalid(fields);
    const certificate = der(body.certificate, 'certificate');
    const chain = Array.isArray(body.chain)
      ? body.chain.slice(0, 4).map((c, i) => der(c, `chain[${i}]`))
      : [];
    const { files, prepared } = await prepare(format, fields, new Date(), certificate, chain);
    const signatureId = await pending.put(
      'sign',
      { format, files, prepared } satisfies PendingSignature,
      SIGN_TTL_MS,
    );
    return {
      signatureId,
      hash: prepared.digest,
      hashAlgorithm: prepared.hash,
      description: `住民票の写しの交付請求書 (${FORMAT_NAMES[format]}), ${fields.copies}通, ${PURPOSES[fields.purpose]}`,
    };
  });

  app.post('/api/card/sign/finish', { preHandler: sameOrigin }, async (req, reply) => {
    const body = jsonBody(req);
    const signature = der(body.signature, 'signature');
    const certificate = der(body.certificate, 'certificate');
    const p = await pending.take<PendingSignature>('sign', text(body.signatureId, 'signatureId', 64));
    if (!p)
      throw new CardProblem(
        'CARD_PENDING_UNKNOWN',
        410,
        'This signature was already finished or has expired (10 minutes). Sign again.',
      );
    const upload = await finish(p, signature, certificate);
    const { id, receivedAt } = await accept(upload);
    return reply.code(202).send({
      id,
      status: 'pending',
      statusUrl: `/api/applications/${id}`,
      pageUrl: `/applications/${id}`,
      receivedAt: receivedAt.toISOString(),
    });
  });
}

async function prepare(
  format: CardFormat,
  fields: ApplicationFields,
  date: Date,
  certificate: Uint8Array,
  chain: Uint8Array[],
): Promise<Pick<PendingSignature, 'files' | 'prepared'>> {
  switch (format) {
    case 'cms': {
      const document = new TextEncoder().encode(applicationText(fields, date));
      return {
        files: { document: toBase64(document) },
        prepared: await prepareExternalCms(document, { certificate, chain }),
      };
    }
    case 'pdf': {
      const document = applicationPdf(fields, date);
      return {
        files: { document: toBase64(document) },
        prepared: await prepareExternalPdf(document, {
          certificate,
          chain,
          subFilter: 'ETSI.CAdES.detached',
          reason: '住民票の写しの交付請求',
          signingTime: date,
        }),
      };
    }
    case 'egov': {
      const folder = applicationEgov(fields, date);
      return {
        files: Object.fromEntries([...folder].map(([name, bytes]) => [name, toBase64(bytes)])),
        prepared: await prepareExternalEgov(folder, {
          certificate,
          chain,
          xades: { signingTime: date },
          time: date,
        }),
      };
    }
  }
}

/** The signed file in the form the upload path takes; core refuses a signature that does not fit. */
async function finish(
  p: PendingSignature,
  signature: Uint8Array,
  certificate: Uint8Array,
): Promise<{ signature: Uint8Array; fileName: string }> {
  const document = () => fromBase64(p.files.document ?? '');
  switch (p.format) {
    case 'cms':
      return {
        signature: await finishExternalCms(document(), p.prepared as PreparedCmsSignature, signature, {
          certificate,
        }),
        fileName: 'application.p7s',
      };
    case 'pdf':
      return {
        signature: await finishExternalPdf(document(), p.prepared as PreparedExternalPdf, signature, {
          certificate,
        }),
        fileName: 'application.pdf',
      };
    case 'egov': {
      const folder = new Map(Object.entries(p.files).map(([name, b64]) => [name, fromBase64(b64)]));
      const signed = await finishExternalEgov(folder, p.prepared as PreparedExternalXml, signature, {
        certificate,
      });
      return { signature: egovZip(signed), fileName: 'application.zip' };
    }
  }
}
