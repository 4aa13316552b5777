/**
 * Two CAs with one name and different keys (two test authorities, a re-keyed CA): a certificate
 * checked against the wrong one is reported as "no trusted issuer found", not as a bad signature.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { derObjects } from '../der/pem.js';
import { validatePath } from './validate-path.js';

let dir: string;
const der = (name: string) => derObjects(new Uint8Array(readFileSync(join(dir, name))), ['CERTIFICATE'])[0]!;
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-issuer-key-'));
  for (const ca of ['a', 'b']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/C=JP/O=JPKI/OU=Test CA',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  }
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=holder',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
  );
  // RFC 5280 §4.2.1.1: the leaf names its issuer's key.
  writeFileSync(join(dir, 'leaf.ext'), 'authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n');
  openssl(
    'x509',
    '-req',
    '-extfile',
    'leaf.ext',
    '-in',
    'leaf.csr',
    '-CA',
    'a.pem',
    '-CAkey',
    'a.key',
    '-days',
    '1',
    '-out',
    'leaf.pem',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a same-named anchor with another key: no trusted issuer found, naming what was seen', async () => {
  const r = await validatePath(der('leaf.pem'), { trustAnchors: [der('b.pem')], revocation: 'off' });
  expect(r.valid).toBe(false);
  expect(r.valid ? undefined : r.code).toBe('PATH_NOT_FOUND');
  expect(r.valid ? '' : r.message).toContain("a certificate with the issuer's name");
  expect(r.valid ? '' : r.message).toContain('but another key was seen');
});

it('the right anchor of the two validates', async () => {
  const r = await validatePath(der('leaf.pem'), { trustAnchors: [der('a.pem')], revocation: 'off' });
  expect(r.valid).toBe(true);
});
