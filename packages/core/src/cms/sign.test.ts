import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki, VECTORS } from '../../test/pki.js';
import { children, contentsOf, readOid, readRoot } from '../der/reader.js';
import { hasErrorCode } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { signCms } from './sign.js';

const dir = mkdtempSync(join(tmpdir(), 'shomei-cms-'));
const content = new TextEncoder().encode('署名対象の文書\n'.repeat(100));

/** Runs `openssl cms -verify`; returns true when openssl accepts the signature. */
function opensslVerifies(p7s: Uint8Array, detachedContent?: Uint8Array): boolean {
  const sig = join(dir, `s${Math.random()}.p7s`);
  writeFileSync(sig, p7s);
  const args = ['cms', '-verify', '-binary', '-purpose', 'any', '-inform', 'DER', '-in', sig];
  args.push('-CAfile', `${VECTORS}root.pem`, '-out', '/dev/null');
  if (detachedContent) {
    const file = join(dir, `c${Math.random()}`);
    writeFileSync(file, detachedContent);
    args.push('-content', file);
  }
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

let signer: Signer;
beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
});

describe('signCms interop with openssl cms -verify', () => {
  it('verifies an attached signature', async () => {
    expect(opensslVerifies(await signCms(content, signer))).toBe(true);
  });

  it('verifies a detached signature against the content', async () => {
    expect(opensslVerifies(await signCms(content, signer, { detached: true }), content)).toBe(true);
  });

  it('rejects a detached signature over other content', async () => {
    const other = content.slice();
    other[0]! ^= 1;
    expect(opensslVerifies(await signCms(content, signer, { detached: true }), other)).toBe(false);
  });

  it('verifies a SHA-512 signature', async () => {
    const s512 = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate], hash: 'SHA-512' });
    expect(opensslVerifies(await signCms(content, s512, { detached: true }), content)).toBe(true);
  });

  it('verifies an ECDSA signature', async () => {
    const ec = await pkcs8Signer(pki.ecKey, pki.ec, { chain: [pki.intermediate] });
    expect(opensslVerifies(await signCms(content, ec), undefined)).toBe(true);
  });

  it('verifies an ECDSA P-384 signature', async () => {
    const ec = await pkcs8Signer(pki.ec384Key, pki.ec384, { chain: [pki.intermediate], hash: 'SHA-384' });
    expect(opensslVerifies(await signCms(content, ec, { detached: true }), content)).toBe(true);
  });

  it('verifies a signature made through a DigestInfo signer (the card path)', async () => {
    // A digest-info signer modelled on a card: PKCS#1 v1.5 over a DigestInfo, via node:crypto.
    const { createPrivateKey, privateEncrypt, constants } = await import('node:crypto');
    const key = createPrivateKey({ key: Buffer.from(pki.signerKey), format: 'der', type: 'pkcs8' });
    const card: Signer = {
      certificate: pki.signer,
      chain: [pki.intermediate],
      algorithm: { name: 'RSASSA-PKCS1-v1_5', input: 'digest-info' },
      sign: async (di, options) => {
        hashes.push(options?.hash);
        return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, di));
      },
    };
    const hashes: unknown[] = [];
    expect(opensslVerifies(await signCms(content, card, { hash: 'SHA-384', detached: true }), content)).toBe(
      true,
    );
    // The Signer learns the DigestInfo's hash from the call, not by reading the bytes back.
    expect(hashes).toEqual(['SHA-384']);
  });

  it('signs a web ReadableStream in chunks', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < content.length; i += 100) c.enqueue(content.slice(i, i + 100));
        c.close();
      },
    });
    expect(opensslVerifies(await signCms(stream, signer))).toBe(true);
  });

  it('signs a Blob', async () => {
    expect(opensslVerifies(await signCms(new Blob([content]), signer, { detached: true }), content)).toBe(
      true,
    );
  });
});

describe('signCms structure', () => {
  it('embeds the content only when attached', async () => {
    const der = await signCms(content, signer, { detached: true });
    const signedData = children(der, children(der, children(der, readRoot(der))[1]!)[0]!);
    const encap = children(der, signedData[2]!);
    expect(encap.length).toBe(1);
  });

  it('writes the signed attributes CAdES-BES requires, signingCertificateV2 included', async () => {
    const der = await signCms(content, signer, { signingTime: new Date('2026-01-02T03:04:05Z') });
    const oids: string[] = [];
    const root = readRoot(der);
    const sd = children(der, children(der, root)[1]!)[0]!;
    const signerInfo = children(der, children(der, sd).at(-1)!)[0]!;
    const attrs = children(der, signerInfo)[3]!;
    for (const a of children(der, attrs)) oids.push(readOid(der, children(der, a)[0]!));
    expect(oids.sort()).toEqual([
      '1.2.840.113549.1.9.16.2.47',
      '1.2.840.113549.1.9.3',
      '1.2.840.113549.1.9.4',
      '1.2.840.113549.1.9.5',
    ]);
    expect(contentsOf(der, attrs).length).toBeGreaterThan(0);
  });

  it('refuses a hash the signer cannot produce', async () => {
    await expect(signCms(content, signer, { hash: 'SHA-384' })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(signCms(content, signer, { signal: ac.signal })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'ABORTED'),
    );
  });
});
