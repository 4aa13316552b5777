import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { runCli } from './router.js';

// NIST PKITS vectors (see packages/core/test/vectors/pkits/README.md).
const pkits = (p: string) => fileURLToPath(new URL(`../../../core/test/vectors/pkits/${p}`, import.meta.url));
const anchor = pkits('certs/TrustAnchorRootCertificate.crt');
const goodCa = pkits('certs/GoodCACert.crt');
const crls = ['--crl', pkits('crls/GoodCACRL.crl'), '--crl', pkits('crls/TrustAnchorRootCRL.crl')];

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    readSecret: async () => {
      throw new Error('no PIN is ever asked by path/crl');
    },
    writeFile: async () => undefined,
  };
  return { cli, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('shomei path', () => {
  it('exits 0 and prints VALID for a good chain', async () => {
    const t = io();
    const code = await runCli(
      [
        'path',
        pkits('certs/ValidCertificatePathTest1EE.crt'),
        '--intermediate',
        goodCa,
        '--trust',
        anchor,
        ...crls,
      ],
      t.cli,
    );
    expect(code).toBe(0);
    expect(t.stdout()).toContain('verdict: VALID');
  });

  it('exits 1 with CERT_REVOKED in JSON for a revoked leaf', async () => {
    const t = io();
    const code = await runCli(
      [
        'path',
        pkits('certs/InvalidRevokedEETest3EE.crt'),
        '--intermediate',
        goodCa,
        '--trust',
        anchor,
        ...crls,
        '--json',
      ],
      t.cli,
    );
    expect(code).toBe(1);
    expect(JSON.parse(t.stdout())).toMatchObject({ verdict: 'invalid', code: 'CERT_REVOKED' });
  });

  it('exits 1 with PATH_TOO_LONG when --max-intermediates is below the path length', async () => {
    const t = io();
    const leaf = pkits('certs/ValidCertificatePathTest1EE.crt');
    const args = ['path', leaf, '--intermediate', goodCa, '--trust', anchor, ...crls, '--json'];
    const code = await runCli([...args, '--max-intermediates', '0'], t.cli);
    expect([code, JSON.parse(t.stdout()).code]).toEqual([1, 'PATH_TOO_LONG']);
  });

  it('exits 2 on a --max-intermediates that is not a number', async () => {
    const t = io();
    const leaf = pkits('certs/ValidCertificatePathTest1EE.crt');
    expect(await runCli(['path', leaf, '--trust', anchor, '--max-intermediates', 'two'], t.cli)).toBe(2);
  });

  it('exits 2 on a missing leaf file, saying it does not exist', async () => {
    const t = io();
    expect(await runCli(['path', '/nonexistent/leaf.pem', '--trust', anchor], t.cli)).toBe(2);
    expect(t.stderr()).toContain('INPUT_NOT_FOUND');
  });

  it('exits 2 without a trust anchor', async () => {
    expect(await runCli(['path', goodCa], io().cli)).toBe(2);
  });

  it('exits 2 on an unknown revocation mode', async () => {
    expect(await runCli(['path', goodCa, '--trust', anchor, '--revocation', 'maybe'], io().cli)).toBe(2);
  });
});

describe('shomei crl', () => {
  it('reports a revoked serial with its reason and exits 1', async () => {
    const t = io();
    expect(
      await runCli(['crl', pkits('crls/GoodCACRL.crl'), '--serial', '0e', '--serial', '01'], t.cli),
    ).toBe(1);
    expect(t.stdout()).toMatch(/0e: revoked .*keyCompromise/);
    expect(t.stdout()).toContain('01: good');
  });

  it('exits 0 when every serial is good', async () => {
    expect(await runCli(['crl', pkits('crls/GoodCACRL.crl'), '--serial', '01'], io().cli)).toBe(0);
  });

  it('exits 2 on a file that is not a CRL', async () => {
    expect(await runCli(['crl', anchor], io().cli)).toBe(2);
  });
});
