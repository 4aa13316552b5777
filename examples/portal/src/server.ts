/**
 * The portal's HTTP server (node:http, no framework):
 *   GET  /            the upload page
 *   POST /verify      multipart/form-data from the page: `signature` (.p7s) and optional `document`;
 *                     answers the page with the report, or with a problem sentence and its code
 *   POST /api/verify  the raw .p7s as the body (an attached signature); answers the report as JSON,
 *                     or `{ "error": { "code", "message" } }`
 * Bodies larger than `maxUploadBytes` get 413 as soon as that is known (Content-Length, or counting),
 * and the connection is closed so the rest is never read.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { reportToJson } from '@shomei/core';
import type { PortalConfig } from './config.js';
import { parseMultipart } from './multipart.js';
import { type PageResult, renderPage } from './page.js';
import { PortalProblem } from './problem.js';
import { type Upload, verifyUpload } from './verify-upload.js';

export function createPortalServer(config: PortalConfig): Server {
  return createServer((req, res) => {
    handle(config, req, res).catch((error: unknown) => {
      // Every expected failure is a PortalProblem; this is the last guard, so the server keeps serving.
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error.');
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });
}

async function handle(config: PortalConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://portal').pathname;
  if (path === '/') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
    return sendPage(res, config, 200, { kind: 'empty' });
  }
  if (path === '/verify') {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    try {
      const body = await readBody(req, config.maxUploadBytes);
      const upload = uploadFromForm(body, req.headers['content-type']);
      const report = await verifyUpload(config, upload);
      return sendPage(res, config, 200, { kind: 'report', report, ...fileName(upload) });
    } catch (error) {
      const problem = asProblem(error);
      return sendPage(res, config, problem.status, { kind: 'problem', problem });
    }
  }
  if (path === '/api/verify') {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    try {
      const signature = await readBody(req, config.maxUploadBytes);
      const report = await verifyUpload(config, { signature });
      return send(res, 200, 'application/json; charset=utf-8', reportToJson(report));
    } catch (error) {
      const { status, code, message } = asProblem(error);
      return send(
        res,
        status,
        'application/json; charset=utf-8',
        JSON.stringify({ error: { code, message } }),
      );
    }
  }
  send(res, 404, 'text/plain; charset=utf-8', 'Not found.');
}

function uploadFromForm(body: Uint8Array, contentType: string | undefined): Upload & { fileName?: string } {
  if (!/^multipart\/form-data/i.test(contentType ?? '')) {
    throw new PortalProblem(
      'UPLOAD_UNSUPPORTED_TYPE',
      'Send the form as multipart/form-data (the upload page does).',
    );
  }
  const parts = parseMultipart(body, contentType);
  const signature = parts.find((p) => p.name === 'signature');
  const document = parts.find((p) => p.name === 'document');
  if (!signature || signature.data.length === 0) {
    throw new PortalProblem(
      'UPLOAD_NO_SIGNATURE',
      'No signature file was uploaded. Choose the .p7s file and send again.',
    );
  }
  return {
    signature: signature.data,
    ...(document && document.data.length > 0 ? { document: document.data } : {}),
    ...(signature.filename ? { fileName: signature.filename } : {}),
  };
}

const fileName = (u: { fileName?: string }) => (u.fileName ? { fileName: u.fileName } : {});

/** Reads the whole body, refusing (UPLOAD_TOO_LARGE) as soon as it would pass `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new PortalProblem(
      'UPLOAD_TOO_LARGE',
      `The upload is larger than the limit of ${limit} bytes. Send a smaller file.`,
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks, size))));
    req.once('error', reject);
  });
}

function asProblem(error: unknown): PortalProblem {
  if (error instanceof PortalProblem) return error;
  return new PortalProblem(
    'VERIFY_FAILED',
    'The upload could not be processed because of an error on our side.',
    {
      cause: error,
    },
  );
}

function sendPage(res: ServerResponse, config: PortalConfig, status: number, result: PageResult): void {
  send(res, status, 'text/html; charset=utf-8', renderPage(result, config));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  const request = res.req;
  // A refused body may still be arriving: answer, then close instead of reading the rest.
  const unread = request && !request.complete;
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    ...(unread ? { connection: 'close' } : {}),
  });
  res.end(request?.method === 'HEAD' ? undefined : body);
  if (unread) res.once('finish', () => request.destroy());
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
}
