import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptingPath } from '../test/fake-path.js';
import { pki, tempFile, VECTORS } from '../test/pki.js';
import { hasErrorCode } from './errors.js';
import { fileSource, loadPkcs8Signer, signCms, verifyCms } from './node.js';
import type { Signer } from './signer.js';

const content = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
const file = tempFile(content);

const opensslVerifies = (p7s: Uint8Array, detachedFile?: string): boolean => {
  const args = ['cms', '-verify', '-binary', '-purpose', 'any', '-inform', 'DER', '-in', tempFile(p7s)];
  args.push(
    '-CAfile',
    `${VECTORS}root.pem`,
    '-out',
    '/dev/null',
    ...(detachedFile ? ['-content', detachedFile] : []),
  );
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

let signer: Signer;
beforeAll(async () => {
  signer = await loadPkcs8Signer({
    key: `${VECTORS}signer.key.pem`,
    cert: `${VECTORS}signer.pem`,
    chain: [`${VECTORS}intermediate.pem`],
  });
});

describe('@shomei/core/node', () => {
  it('signs a file read in small reused chunks, detached, verifiable by openssl', async () => {
    const p7s = await signCms(fileSource(file, { chunkSize: 4096 }), signer, { detached: true });
    expect(opensslVerifies(p7s, file)).toBe(true);
  });

  it('keeps every chunk of a reused-buffer source when attaching the content', async () => {
    const p7s = await signCms(fileSource(file, { chunkSize: 4096 }), signer);
    expect(opensslVerifies(p7s)).toBe(true);
  });

  it('signs a Node Readable', async () => {
    const p7s = await signCms(createReadStream(file, { highWaterMark: 10_000 }), signer, { detached: true });
    expect(opensslVerifies(p7s, file)).toBe(true);
  });

  it('reports hashing progress up to the file size', async () => {
    const seen: number[] = [];
    await signCms(fileSource(file, { chunkSize: 100_000 }), signer, {
      detached: true,
      onProgress: (n) => seen.push(n),
    });
    expect(seen).toEqual([100_000, 200_000, 300_000]);
  });

  it('verifies detached content given as a file source', async () => {
    const p7s = await signCms(content, signer, { detached: true });
    const r = await verifyCms(p7s, {
      trustAnchors: [pki.root],
      validatePath: acceptingPath,
      content: fileSource(file),
    });
    expect(r.verdict).toBe('valid');
  });

  it('gives INPUT_INVALID for a missing file', async () => {
    await expect(signCms(fileSource('/nonexistent/x'), signer)).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });

  it('gives SIGNER_KEY_INVALID for a key file that is a certificate', async () => {
    await expect(
      loadPkcs8Signer({ key: `${VECTORS}signer.pem`, cert: `${VECTORS}signer.pem` }),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'SIGNER_KEY_INVALID'));
  });
});
