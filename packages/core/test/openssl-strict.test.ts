/**
 * shomei beside `openssl verify -x509_strict` on the same generated chains. Every case where the two
 * disagree must be listed, with the RFC text that decides it, in docs/path-validation-strictness.md;
 * a new disagreement, or a listed one that went away, fails this test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CertSpec,
  ext,
  generateKey,
  gn,
  int,
  issue,
  keyId,
  NOW,
  type TestCert,
  type TestKey,
  utf8,
} from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../src/der/bytes.js';
import { validatePath } from '../src/path/validate-path.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

type Spec = Partial<CertSpec>;
interface Case {
  readonly name: string;
  readonly root?: Spec;
  readonly ca?: Spec;
  readonly leaf?: Spec;
  /** Validate the CA certificate itself as the leaf. */
  readonly caAsLeaf?: boolean;
}

/** The cases, named as in the documentation's table. */
const CASES: readonly Case[] = [
  { name: 'valid chain' },
  { name: 'leaf without AKI', leaf: { bare: true, extensions: [ext.keyUsage(['digitalSignature'])] } },
  {
    name: 'critical AKI',
    leaf: { extensions: [{ ...ext.aki(new Uint8Array(20).fill(1)), critical: true }] },
  },
  {
    name: 'CA without SKI',
    ca: { bare: true, extensions: [ext.basicConstraints(true), ext.keyUsage(['keyCertSign', 'cRLSign'])] },
  },
  {
    name: 'critical SKI',
    leaf: { extensions: [{ ...ext.ski(new Uint8Array(20).fill(2)), critical: true }] },
  },
  { name: 'serial zero', leaf: { serial: 0 } },
  { name: 'negative serial', leaf: { serial: -5 } },
  { name: 'serial of 21 octets', leaf: { serial: new Uint8Array(21).fill(0x11) } },
  { name: 'CA with an empty subject', ca: { subject: '' } },
  {
    name: 'keyCertSign without cA',
    leaf: { extensions: [ext.keyUsage(['digitalSignature', 'keyCertSign'])] },
  },
  { name: 'empty extKeyUsage', leaf: { extensions: [ext.extKeyUsage([])] } },
  {
    name: 'non-critical policyConstraints',
    ca: { extensions: [{ ...ext.policyConstraints({ requireExplicitPolicy: 4 }), critical: false }] },
  },
  {
    name: 'nameConstraints in a leaf',
    leaf: { extensions: [ext.nameConstraints({ permitted: [gn.dns('example.jp')] })] },
  },
  {
    name: 'critical AIA',
    leaf: { extensions: [{ ...ext.aia({ ocsp: 'http://ocsp.example.jp' }), critical: true }] },
  },
  {
    name: 'duplicate extension',
    leaf: {
      extensions: [ext.san([gn.dns('a.example.jp')])],
      extraExtensions: [ext.san([gn.dns('b.example.jp')])],
    },
  },
  { name: 'empty SAN', leaf: { extensions: [ext.san([])] } },
  { name: 'malformed dNSName SAN', leaf: { extensions: [ext.san([gn.dns('bad name.example.jp')])] } },
  {
    name: 'anchor without basicConstraints',
    root: { ca: false, bare: true, extensions: [ext.keyUsage(['keyCertSign'])] },
  },
  {
    name: 'anchor with non-critical basicConstraints',
    root: { extensions: [ext.basicConstraints(true, undefined, false)] },
  },
  {
    name: "anchor's name constraints violated",
    root: { extensions: [ext.nameConstraints({ permitted: [gn.dns('example.jp')] })] },
    leaf: { extensions: [ext.san([gn.dns('www.example.com')])] },
  },
  { name: 'expired anchor', root: { notAfter: new Date('2026-01-01T00:00:00Z') } },
  { name: "anchor's pathLenConstraint 0", root: { pathLen: 0 } },
  {
    name: 'anchor with an unknown critical extension',
    root: { extensions: [ext.raw('1.2.3.4.5', int(1), true)] },
  },
  {
    name: 'dNSName constraint with a leading period',
    ca: { extensions: [ext.nameConstraints({ permitted: [gn.dns('.example.jp')] })] },
    leaf: { extensions: [ext.san([gn.dns('www.example.jp')])] },
  },
  {
    name: 'iPAddress constraint without a mask',
    ca: { extensions: [ext.nameConstraints({ permitted: [gn.ip([10, 0, 0, 0])] })] },
    leaf: { extensions: [ext.san([gn.ip([10, 0, 0, 1])])] },
  },
  {
    name: 'wildcard SAN under an excluded subtree',
    ca: { extensions: [ext.nameConstraints({ excluded: [gn.dns('bad.example.jp')] })] },
    leaf: { extensions: [ext.san([gn.dns('*.example.jp')])] },
  },
  {
    name: 'otherName constraint over an otherName SAN',
    ca: { extensions: [ext.nameConstraints({ permitted: [gn.other('1.2.3.4', utf8('y'))] })] },
    leaf: { extensions: [ext.san([gn.other('1.2.3.4', utf8('x'))])] },
  },
  { name: 'CA certificate as the leaf', caAsLeaf: true },
];

let keys: TestKey[];
let dir: string;
beforeAll(async () => {
  keys = await Promise.all([generateKey(), generateKey(), generateKey()]);
  dir = mkdtempSync(join(tmpdir(), 'shomei-openssl-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pem = (c: TestCert) =>
  `-----BEGIN CERTIFICATE-----\n${toBase64(c.der).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

async function build(c: Case) {
  const root = await issue({ subject: 'CN=Compare Root,C=JP', key: keys[0]!, ca: true, ...c.root });
  // A bare CA spec still gets its AKI, so that only the rule under test is broken.
  const caAki = c.ca?.bare ? [ext.aki(await keyId(keys[0]!))] : [];
  const ca = await issue({
    subject: 'CN=Compare CA,C=JP',
    key: keys[1]!,
    issuer: root,
    ca: true,
    ...c.ca,
    ...(c.ca?.extensions ? { extensions: [...c.ca.extensions, ...caAki] } : {}),
  });
  const leaf = await issue({ subject: 'CN=Compare Leaf,C=JP', key: keys[2]!, issuer: ca, ...c.leaf });
  return c.caAsLeaf
    ? { root, intermediates: [] as TestCert[], leaf: ca }
    : { root, intermediates: [ca], leaf };
}

function opensslAccepts(name: string, root: TestCert, intermediates: TestCert[], leaf: TestCert): boolean {
  const base = join(dir, name.replace(/\W+/g, '-'));
  writeFileSync(`${base}-root.pem`, pem(root));
  writeFileSync(`${base}-inter.pem`, intermediates.map(pem).join('') || pem(root));
  writeFileSync(`${base}-leaf.pem`, pem(leaf));
  try {
    execFileSync(
      'openssl',
      [
        'verify',
        '-x509_strict',
        '-attime',
        String(Math.floor(NOW.getTime() / 1000)),
        '-CAfile',
        `${base}-root.pem`,
        '-untrusted',
        `${base}-inter.pem`,
        `${base}-leaf.pem`,
      ],
      { stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}

/** The case names in the documentation's disagreement table (first column). */
function documentedDisagreements(): string[] {
  const doc = readFileSync(new URL('../../../docs/path-validation-strictness.md', import.meta.url), 'utf8');
  const section = doc.split('## shomei and OpenSSL')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Case') && !l.startsWith('| ---'))
    .map((l) => l.split('|')[1]!.trim());
}

describe.skipIf(!hasOpenssl)('shomei beside openssl verify -x509_strict', () => {
  it('disagrees exactly on the cases documented in docs/path-validation-strictness.md', async () => {
    const disagreements: string[] = [];
    const verdicts: Record<string, [string, string]> = {};
    for (const c of CASES) {
      const { root, intermediates, leaf } = await build(c);
      const r = await validatePath(leaf.der, {
        trustAnchors: [root.der],
        intermediates: intermediates.map((x) => x.der),
        time: NOW,
        revocation: 'off',
      });
      const ossl = opensslAccepts(c.name, root, intermediates, leaf);
      verdicts[c.name] = [r.valid ? 'accept' : r.code, ossl ? 'accept' : 'refuse'];
      if (r.valid !== ossl) disagreements.push(c.name);
    }
    // Printed for the documentation table when it needs updating.
    if (process.env.SHOMEI_PRINT_COMPARISON) console.table(verdicts);
    expect(disagreements.sort()).toEqual(documentedDisagreements().sort());
    // shomei refuses every case but the valid chain.
    expect(
      Object.entries(verdicts)
        .filter(([, [s]]) => s === 'accept')
        .map(([n]) => n),
    ).toEqual(['valid chain']);
  });
});
