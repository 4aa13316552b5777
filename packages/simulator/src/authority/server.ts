/**
 * The authority's HTTP services on loopback (node:http): CRLs and CA certificates by URL, OCSP over
 * POST and GET (RFC 6960 Appendix A.1) and RFC 3161 time stamps over POST (§3.4). Bodies are capped;
 * every bad request gets the protocol's own error answer and the server keeps serving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBase64 } from '@shomei/core';
import { simulatorError } from '../errors.js';
import type { CaId } from '../issuing/ca-key.js';
import type { Authority } from './authority.js';
import { ocspErrorResponse } from './ocsp.js';

export interface AuthorityServerOptions {
  /** Default 127.0.0.1. Anything but loopback needs `allowNonLoopback`. */
  host?: string;
  /** Default 8370; 0 picks a free port. */
  port?: number;
  allowNonLoopback?: boolean;
  /** Largest accepted request body. Default 64 KiB (an OCSP or TSA request is a few hundred octets). */
  maxBodyBytes?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const CRL_PATH = /^\/crl\/(root|sign|auth)(-delta)?\.crl$/;
const CA_PATH = /^\/ca\/(root|sign|auth|tsa)\.crt$/;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export class AuthorityServer {
  readonly #server: Server;
  readonly #authority: Authority;
  readonly #maxBody: number;
  #url = '';

  private constructor(authority: Authority, maxBody: number) {
    this.#authority = authority;
    this.#maxBody = maxBody;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, 'text/plain', new TextEncoder().encode('internal error\n'));
        else res.destroy();
      });
    });
    // A slow or stuck client must not hold a connection forever.
    this.#server.requestTimeout = 10_000;
    this.#server.headersTimeout = 5_000;
  }

  static async start(authority: Authority, options: AuthorityServerOptions = {}): Promise<AuthorityServer> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopbackHost(host) && !options.allowNonLoopback) {
      throw simulatorError('SERVER_BIND_REFUSED', undefined, { details: { host } });
    }
    const server = new AuthorityServer(authority, options.maxBodyBytes ?? 64 * 1024);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(options.port ?? 8370, host, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    const address = server.#server.address() as AddressInfo;
    const h = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    server.#url = `http://${h}:${address.port}`;
    return server;
  }

  get url(): string {
    return this.#url;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    // Another process (shomei-sim revoke/hold/release) may have changed the directory.
    this.#authority.refresh();
    const method = req.method ?? 'GET';
    const crl = CRL_PATH.exec(path);
    if (crl || CA_PATH.test(path)) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      let body: Uint8Array;
      try {
        body = crl
          ? this.#authority.crl(crl[1] as 'root' | 'sign' | 'auth', { delta: Boolean(crl[2]) })
          : this.#authority.caCertificate(CA_PATH.exec(path)![1] as CaId);
      } catch {
        return notFound(res);
      }
      return send(res, 200, crl ? 'application/pkix-crl' : 'application/pkix-cert', body, method === 'HEAD');
    }
    if (path === '/ocsp' || path.startsWith('/ocsp/')) {
      const reply = (der: Uint8Array) => send(res, 200, 'application/ocsp-response', der);
      if (method === 'POST' && path === '/ocsp') {
        const body = await this.#readBody(req, res);
        if (body) reply(this.#authority.respondOcsp(body));
        return;
      }
      if (method === 'GET' && path.startsWith('/ocsp/')) {
        // A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}.
        let der: Uint8Array;
        try {
          der = fromBase64(decodeURIComponent(path.slice('/ocsp/'.length)));
        } catch {
          return reply(ocspErrorResponse('malformedRequest'));
        }
        return reply(this.#authority.respondOcsp(der));
      }
      return methodNotAllowed(res, 'GET, POST');
    }
    if (path === '/tsa') {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      const body = await this.#readBody(req, res);
      if (body) send(res, 200, 'application/timestamp-reply', this.#authority.respondTimestamp(body));
      return;
    }
    return notFound(res);
  }

  /** The request body, or undefined after answering 413 when it exceeds the cap. */
  async #readBody(req: IncomingMessage, res: ServerResponse): Promise<Uint8Array | undefined> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.#maxBody) {
      tooLarge(res);
      return undefined;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.#maxBody) {
        tooLarge(res);
        return undefined;
      }
      chunks.push(chunk);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
}

function send(res: ServerResponse, status: number, type: string, body: Uint8Array, headOnly = false): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(headOnly ? undefined : body);
}

function notFound(res: ServerResponse): void {
  send(res, 404, 'text/plain', new TextEncoder().encode('not found\n'));
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  send(res, 405, 'text/plain', new TextEncoder().encode('method not allowed\n'));
}

/** 413 and close: the rest of an oversized body is not read. */
function tooLarge(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  send(res, 413, 'text/plain', new TextEncoder().encode('request body too large\n'));
}
