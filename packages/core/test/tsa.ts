/**
 * A local RFC 3161 TSA for tests: an HTTP server on 127.0.0.1 that answers each TimeStampReq with
 * `openssl ts -reply` (an independent implementation), signing with the test TSA certificate.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VECTORS } from './pki.js';

export interface TestTsa {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startTestTsa(): Promise<TestTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-tsa-'));
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ts.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa1',
      '[ tsa1 ]',
      `serial = ${join(dir, 'serial')}`,
      'crypto_device = builtin',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'other_policies = 1.2.3.4.5',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let n = 0;
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      state.requests++;
      const q = join(dir, `q${n}.tsq`);
      const r = join(dir, `r${n++}.tsr`);
      writeFileSync(q, Buffer.concat(parts));
      const args = ['ts', '-reply', '-config', join(dir, 'ts.cnf'), '-queryfile', q];
      args.push('-signer', `${VECTORS}tsa.pem`, '-inkey', `${VECTORS}tsa.key.pem`);
      args.push('-chain', `${VECTORS}intermediate.pem`, '-out', r);
      execFile('openssl', args, (error) => {
        if (error) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(r));
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
