/**
 * The demo relying party: a page with "Log in with your card" and "Sign this application in the
 * browser", and the JSON routes that verify on the server with @shomei/core (through
 * CardRelyingParty). Listens on loopback only.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fromBase64, isShomeiError } from '@shomei/core';
import { CardRelyingParty, type RelyingPartyOptions } from './relying-party.js';

const FILES: Record<string, [string, string]> = {
  '/': ['../public/index.html', 'text/html; charset=utf-8'],
  '/app.js': ['../public/app.js', 'text/javascript; charset=utf-8'],
  '/shomei-card.js': ['../page/shomei-card.js', 'text/javascript; charset=utf-8'],
};
const MAX_BODY = 256 * 1024;

export interface DemoServer {
  url: string;
  relyingParty: CardRelyingParty;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw Object.assign(new Error('The request body is too large.'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('Expected a JSON object.');
  return value as Record<string, unknown>;
}

const text = (v: unknown, name: string): string => {
  if (typeof v !== 'string') throw Object.assign(new Error(`${name} must be a string.`), { status: 400 });
  return v;
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Starts the demo on 127.0.0.1; `origin` defaults to the URL it listens on. */
export async function startDemoServer(
  options: Omit<RelyingPartyOptions, 'origin'> & { port?: number; origin?: string },
): Promise<DemoServer> {
  let relyingParty: CardRelyingParty | undefined;
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'GET' && FILES[path]) {
        const [file, type] = FILES[path]!;
        const body = await readFile(fileURLToPath(new URL(file, import.meta.url)));
        res.writeHead(200, {
          'content-type': type,
          'content-security-policy': "default-src 'self'; script-src 'self'",
          'cache-control': 'no-store',
        });
        res.end(body);
        return;
      }
      if (req.method !== 'POST' || !relyingParty) {
        send(res, 404, { error: 'not found' });
        return;
      }
      // A cross-site form or fetch cannot drive these routes: the browser's Origin header must be ours.
      if (req.headers.origin !== relyingParty.origin) {
        send(res, 403, { error: 'cross-origin request refused' });
        return;
      }
      const body = await readJson(req);
      switch (path) {
        case '/api/login/begin':
          send(res, 200, relyingParty.beginLogin());
          return;
        case '/api/login/finish':
          send(
            res,
            200,
            await relyingParty.finishLogin(text(body.challengeId, 'challengeId'), text(body.token, 'token')),
          );
          return;
        case '/api/sign/prepare': {
          const application = text(body.application, 'application');
          const chain = Array.isArray(body.chain) ? body.chain.map((c) => fromBase64(text(c, 'chain'))) : [];
          const start = await relyingParty.prepareSignature(
            new TextEncoder().encode(application),
            `申請書 (${application.length} characters): ${application.slice(0, 120)}`,
            fromBase64(text(body.certificate, 'certificate')),
            chain,
          );
          send(res, 200, start);
          return;
        }
        case '/api/sign/finish':
          send(
            res,
            200,
            await relyingParty.finishSignature(
              text(body.signatureId, 'signatureId'),
              fromBase64(text(body.signature, 'signature')),
            ),
          );
          return;
        default:
          send(res, 404, { error: 'not found' });
      }
    } catch (error) {
      const status = (error as { status?: number }).status ?? 400;
      send(res, status, {
        error: isShomeiError(error) ? error.code : 'BAD_REQUEST',
        message: (error as Error).message,
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  relyingParty = new CardRelyingParty({ ...options, origin: options.origin ?? url });
  return {
    url,
    relyingParty,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
