/**
 * The strict verifier: trust anchors used as certificates, the RFC 5280 profile (one code per rule),
 * complete name constraints, budgets, maxIntermediates and time parsing. Every certificate is built
 * here with the test factory; every test asserts the exact code.
 */

import {
  ext,
  generateKey,
  gn,
  int,
  issue,
  issueDer,
  NOW,
  oid,
  seq,
  set,
  type TestCert,
  type TestKey,
  utf8,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTlv } from '../der/writer.js';
import { hasErrorCode } from '../errors.js';
import { parseCertificate } from '../x509/certificate.js';
import { namesMatch, parseName } from '../x509/name.js';
import type { ValidatePathOptions } from './types.js';
import { validatePath } from './validate-path.js';

let keys: TestKey[];
let root: TestCert;

beforeAll(async () => {
  keys = await Promise.all(Array.from({ length: 6 }, () => generateKey()));
  root = await issue({ subject: 'CN=Strict Root,C=JP', key: keys[0]!, ca: true });
});

const run = (leaf: TestCert, intermediates: TestCert[], o: Partial<ValidatePathOptions> = {}) =>
  validatePath(leaf.der, {
    trustAnchors: [root.der],
    intermediates: intermediates.map((c) => c.der),
    time: NOW,
    revocation: 'off',
    ...o,
  });

/** Root → CA (with `caSpec`) → leaf (with `leafSpec`). */
async function chain(
  caSpec: Partial<Parameters<typeof issue>[0]> = {},
  leafSpec: Partial<Parameters<typeof issue>[0]> = {},
  anchor: TestCert = root,
) {
  const ca = await issue({
    subject: 'CN=Strict CA,C=JP',
    key: keys[1]!,
    issuer: anchor,
    ca: true,
    ...caSpec,
  });
  const leaf = await issue({ subject: 'CN=Holder,C=JP', key: keys[2]!, issuer: ca, ...leafSpec });
  return { ca, leaf };
}

const CN = '2.5.4.3';
const rdn = (...atvs: [string, Uint8Array][]) => set(...atvs.map(([o, v]) => seq(oid(o), v)));

describe('names compare structurally (RFC 5280 §7.1)', () => {
  // One RDN whose value contains the old key's separators, against two RDNs.
  const joined = seq(rdn([CN, utf8('x,2.5.4.3=y')]));
  const split = seq(rdn([CN, utf8('x')]), rdn([CN, utf8('y')]));

  it('does not match a value holding separators against a name of two RDNs', () => {
    expect(namesMatch(parseName(joined), parseName(split))).toBe(false);
  });

  it('does not match a multi-valued RDN against the same attributes in two RDNs', () => {
    const multi = seq(rdn([CN, utf8('x')], [CN, utf8('y')]));
    expect(namesMatch(parseName(multi), parseName(split))).toBe(false);
  });

  it('matches case, inner whitespace and string type differences (RFC 4518)', () => {
    const a = seq(rdn([CN, utf8('  Tokyo   Office ')]));
    const b = seq(rdn([CN, encodeTlv(0x13, new TextEncoder().encode('tokyo office'))]));
    expect(namesMatch(parseName(a), parseName(b))).toBe(true);
  });

  it('matches a multi-valued RDN whatever the order of its attributes', () => {
    const a = seq(rdn([CN, utf8('a')], ['2.5.4.10', utf8('b')]));
    const b = seq(rdn(['2.5.4.10', utf8('B')], [CN, utf8('A')]));
    expect(namesMatch(parseName(a), parseName(b))).toBe(true);
  });

  it('refuses invalid UTF-8 in a name as malformed instead of decoding U+FFFD', async () => {
    const bad = seq(rdn([CN, encodeTlv(0x0c, Uint8Array.of(0x41, 0xff, 0x42))]));
    const der = await issueDer({ subject: 'CN=unused', subjectDer: bad, key: keys[3]!, issuer: root });
    expect(() => parseCertificate(der)).toThrowError(expect.objectContaining({ code: 'CERT_MALFORMED' }));
  });

  it('refuses an odd-length BMPString in a name as malformed', async () => {
    const bad = seq(rdn([CN, encodeTlv(0x1e, Uint8Array.of(0x00, 0x41, 0x00))]));
    const der = await issueDer({ subject: 'CN=unused', subjectDer: bad, key: keys[3]!, issuer: root });
    let code = '';
    try {
      parseCertificate(der);
    } catch (e) {
      code = hasErrorCode(e, 'CERT_MALFORMED') ? e.code : String(e);
    }
    expect(code).toBe('CERT_MALFORMED');
  });

  it('counts a CA whose names only collide in a joined key against pathLenConstraint', async () => {
    const c1 = await issue({
      subject: 'CN=c1',
      subjectDer: joined,
      key: keys[1]!,
      issuer: root,
      ca: true,
      pathLen: 0,
    });
    // Subject "CN=y,CN=x" (two RDNs) issued by "CN=x\,2.5.4.3=y": the old key called it self-issued.
    const c2 = await issue({ subject: 'CN=c2', subjectDer: split, key: keys[3]!, issuer: c1, ca: true });
    const leaf = await issue({ subject: 'CN=Holder,C=JP', key: keys[2]!, issuer: c2 });
    const r = await run(leaf, [c1, c2]);
    expect([r.code, r.failures[0]?.index]).toEqual(['PATH_LENGTH_EXCEEDED', 1]);
  });
});

describe('trust anchors given as certificates', () => {
  it("applies the anchor's name constraints to the path below it", async () => {
    const anchor = await issue({
      subject: 'CN=Constrained Root,C=JP',
      key: keys[0]!,
      ca: true,
      extensions: [ext.nameConstraints({ permitted: [gn.dns('example.jp')] })],
    });
    const { ca, leaf } = await chain({}, { extensions: [ext.san([gn.dns('evil.example.com')])] }, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der] });
    expect([r.code, r.failures[0]?.index]).toEqual(['NAME_CONSTRAINTS', 0]);
  });

  it("ignores the anchor's constraints with trustAnchorMode 'name-and-key'", async () => {
    const anchor = await issue({
      subject: 'CN=Constrained Root,C=JP',
      key: keys[0]!,
      ca: true,
      extensions: [ext.nameConstraints({ permitted: [gn.dns('example.jp')] })],
    });
    const { ca, leaf } = await chain({}, { extensions: [ext.san([gn.dns('evil.example.com')])] }, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der], trustAnchorMode: 'name-and-key' });
    expect(r.code).toBe('OK');
  });

  it("applies the anchor's pathLenConstraint", async () => {
    const anchor = await issue({ subject: 'CN=Root PL0,C=JP', key: keys[0]!, ca: true, pathLen: 0 });
    const { ca, leaf } = await chain({}, {}, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der] });
    expect([r.code, r.failures[0]?.index]).toEqual(['PATH_LENGTH_EXCEEDED', 1]);
  });

  it.each([
    ['without basicConstraints', [ext.keyUsage(['keyCertSign', 'cRLSign'])]],
    ['with a non-critical basicConstraints', [ext.basicConstraints(true, undefined, false)]],
    ['with cA=TRUE but no keyCertSign', [ext.keyUsage(['cRLSign', 'digitalSignature'])]],
  ])('TRUST_ANCHOR_NOT_CA for an anchor %s', async (_what, extensions) => {
    const bare = extensions[0]!.oid === '2.5.29.15' && !_what.includes('cA=TRUE');
    const anchor = await issue({
      subject: 'CN=Odd Root,C=JP',
      key: keys[0]!,
      ca: !bare,
      ...(bare ? { bare: true, extensions: [...extensions] } : { extensions: [...extensions] }),
    });
    const { ca, leaf } = await chain({}, {}, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der] });
    expect([r.code, r.failures[0]?.index]).toEqual(['TRUST_ANCHOR_NOT_CA', 2]);
  });

  it('UNKNOWN_CRITICAL_EXTENSION for an anchor with an unknown critical extension', async () => {
    const anchor = await issue({
      subject: 'CN=Odd Root,C=JP',
      key: keys[0]!,
      ca: true,
      extensions: [ext.raw('1.2.3.4.5', int(1), true)],
    });
    const { ca, leaf } = await chain({}, {}, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der] });
    expect([r.code, r.failures[0]?.index]).toEqual(['UNKNOWN_CRITICAL_EXTENSION', 2]);
  });

  it('CERT_EXPIRED for an anchor expired at the validation time', async () => {
    const anchor = await issue({
      subject: 'CN=Old Root,C=JP',
      key: keys[0]!,
      ca: true,
      notAfter: new Date('2026-01-01T00:00:00Z'),
    });
    const { ca, leaf } = await chain({}, {}, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der] });
    expect([r.code, r.failures[0]?.index]).toEqual(['CERT_EXPIRED', 2]);
  });
});

describe('the RFC 5280 certificate profile (strict by default)', () => {
  it.each<[string, Partial<Parameters<typeof issue>[0]>, Partial<Parameters<typeof issue>[0]>]>([
    ['CERT_AKI_MISSING', {}, { bare: true, extensions: [ext.keyUsage(['digitalSignature'])] }],
    ['CERT_AKI_CRITICAL', {}, { extensions: [{ ...ext.aki(new Uint8Array(20)), critical: true }] }],
    [
      'CERT_SKI_MISSING',
      {
        bare: true,
        extensions: [ext.basicConstraints(true), ext.keyUsage(['keyCertSign']), ext.aki(new Uint8Array(20))],
      },
      {},
    ],
    ['CERT_SKI_CRITICAL', {}, { extensions: [{ ...ext.ski(new Uint8Array(20)), critical: true }] }],
    ['CERT_SERIAL_INVALID', {}, { serial: 0 }],
    ['CERT_SERIAL_INVALID', {}, { serial: -5 }],
    ['CERT_SERIAL_INVALID', {}, { serial: new Uint8Array(21).fill(0x11) }],
    ['CERT_CA_SUBJECT_EMPTY', { subject: '' }, {}],
    ['CERT_KEY_CERT_SIGN_NOT_CA', {}, { extensions: [ext.keyUsage(['digitalSignature', 'keyCertSign'])] }],
    ['CERT_EKU_EMPTY', {}, { extensions: [ext.extKeyUsage([])] }],
    [
      'CERT_POLICY_CONSTRAINTS_NOT_CRITICAL',
      { extensions: [{ ...ext.policyConstraints({ requireExplicitPolicy: 4 }), critical: false }] },
      {},
    ],
    [
      'CERT_NAME_CONSTRAINTS_NOT_CA',
      {},
      { extensions: [ext.nameConstraints({ permitted: [gn.dns('example.jp')] })] },
    ],
    [
      'CERT_AIA_CRITICAL',
      {},
      { extensions: [{ ...ext.aia({ ocsp: 'http://ocsp.example.jp' }), critical: true }] },
    ],
  ])('%s', async (code, caSpec, leafSpec) => {
    const { ca, leaf } = await chain(caSpec, leafSpec);
    const r = await run(leaf, [ca]);
    expect(r.code).toBe(code);
  });

  const gt = (t: string) => encodeTlv(0x18, new TextEncoder().encode(t));
  it.each<[string, Partial<Parameters<typeof issue>[0]>, Partial<Parameters<typeof issue>[0]>]>([
    ['CERT_ISSUER_EMPTY', { subject: '' }, {}],
    ['CERT_VALIDITY_ENCODING', {}, { validityDer: seq(gt('20250101000000Z'), gt('20350101000000Z')) }],
    [
      'CERT_BASIC_CONSTRAINTS_NOT_CRITICAL',
      { extensions: [ext.basicConstraints(true, undefined, false)] },
      {},
    ],
    ['CERT_PATH_LEN_NOT_CA', {}, { extensions: [ext.basicConstraints(false, 1)] }],
    [
      'CERT_CA_KEY_USAGE_MISSING',
      { bare: true, extensions: [ext.basicConstraints(true), ext.ski(new Uint8Array(20).fill(3))] },
      {},
    ],
    ['CERT_KEY_USAGE_EMPTY', {}, { extensions: [ext.keyUsage([])] }],
    [
      'CERT_NAME_CONSTRAINTS_NOT_CRITICAL',
      { extensions: [{ ...ext.nameConstraints({ permitted: [gn.dns('example.jp')] }), critical: false }] },
      { extensions: [ext.san([gn.dns('a.example.jp')])] },
    ],
    ['CERT_SAN_NOT_CRITICAL', {}, { subject: '', extensions: [ext.san([gn.dns('a.example.jp')])] }],
  ])('reports %s among the failures', async (code, caSpec, leafSpec) => {
    const { ca, leaf } = await chain(caSpec, leafSpec);
    const r = await run(leaf, [ca]);
    expect([r.valid, r.failures.map((f) => f.code)]).toEqual([false, expect.arrayContaining([code])]);
  });

  it('applies the profile to a certificate trust anchor (CA without SKI)', async () => {
    const anchor = await issue({
      subject: 'CN=No SKI Root,C=JP',
      key: keys[0]!,
      bare: true,
      extensions: [ext.basicConstraints(true), ext.keyUsage(['keyCertSign', 'cRLSign'])],
    });
    const { ca, leaf } = await chain({}, {}, anchor);
    const r = await run(leaf, [ca], { trustAnchors: [anchor.der] });
    expect([r.code, r.failures[0]?.index]).toEqual(['CERT_SKI_MISSING', 2]);
  });

  it.each([
    ['CERT_AKI_MISSING', { bare: true, extensions: [ext.keyUsage(['digitalSignature'])] }],
    ['CERT_SERIAL_INVALID', { serial: 0 }],
    ['CERT_EKU_EMPTY', { extensions: [ext.extKeyUsage([])] }],
    [
      'CERT_AIA_CRITICAL',
      { extensions: [{ ...ext.aia({ ocsp: 'http://ocsp.example.jp' }), critical: true }] },
    ],
  ])("profile 'lenient' relaxes %s", async (_code, leafSpec) => {
    const { ca, leaf } = await chain({}, leafSpec);
    expect((await run(leaf, [ca], { profile: 'lenient' })).code).toBe('OK');
  });

  it('CERT_DUPLICATE_EXTENSION, also under the lenient profile', async () => {
    const san = ext.san([gn.dns('a.example.jp')]);
    const { ca, leaf } = await chain(
      {},
      { extensions: [san], extraExtensions: [ext.san([gn.dns('b.example.jp')])] },
    );
    const codes = [(await run(leaf, [ca])).code, (await run(leaf, [ca], { profile: 'lenient' })).code];
    expect(codes).toEqual(['CERT_DUPLICATE_EXTENSION', 'CERT_DUPLICATE_EXTENSION']);
  });

  it.each([
    ['an empty SAN', []],
    ['a dNSName with a space', [gn.dns('bad name.example.jp')]],
    ['an rfc822Name with two @', [gn.email('a@b@example.jp')]],
    ['an iPAddress of 5 octets', [gn.ip([10, 0, 0, 1, 9])]],
    ['an empty dNSName', [gn.dns('')]],
  ])('CERT_SAN_MALFORMED for %s', async (_what, names) => {
    const { ca, leaf } = await chain({}, { extensions: [ext.san(names)] });
    expect((await run(leaf, [ca], { profile: 'lenient' })).code).toBe('CERT_SAN_MALFORMED');
  });

  it('CERT_CA_AS_LEAF for a CA certificate in the end-entity position, unless allowCaLeaf', async () => {
    const { ca } = await chain();
    const r1 = await run(ca, []);
    const r2 = await run(ca, [], { allowCaLeaf: true });
    expect([r1.code, r2.code]).toEqual(['CERT_CA_AS_LEAF', 'OK']);
  });
});

describe('name constraints, complete', () => {
  const constrained = (
    c: { permitted?: Uint8Array[]; excluded?: Uint8Array[] },
    names: Uint8Array[],
    leafSubject?: string,
  ) =>
    chain(
      { extensions: [ext.nameConstraints(c)] },
      { extensions: [ext.san(names)], ...(leafSubject ? { subject: leafSubject } : {}) },
    );

  it.each([
    ['a dNSName with a leading period', { permitted: [gn.dns('.example.jp')] }],
    ['a wildcard dNSName', { excluded: [gn.dns('*.example.jp')] }],
    ['an iPAddress without a mask', { permitted: [gn.ip([10, 0, 0, 0])] }],
    ['an iPAddress with a non-contiguous mask', { permitted: [gn.ip([10, 0, 0, 0, 255, 0, 255, 0])] }],
    ['an rfc822Name with two @', { permitted: [gn.email('a@b@example.jp')] }],
  ])('NAME_CONSTRAINTS_MALFORMED for %s', async (_what, c) => {
    const { ca, leaf } = await constrained(c, [gn.dns('www.example.jp')]);
    const r = await run(leaf, [ca]);
    expect([r.code, r.failures[0]?.index]).toEqual(['NAME_CONSTRAINTS_MALFORMED', 1]);
  });

  it('NAME_CONSTRAINTS for a malformed SAN under a constraint, also under the lenient profile', async () => {
    const { ca, leaf } = await constrained({ permitted: [gn.dns('example.jp')] }, [
      gn.dns('www..example.jp'),
    ]);
    const r = await run(leaf, [ca], { profile: 'lenient' });
    expect(r.failures.map((f) => f.code)).toContain('NAME_CONSTRAINTS');
  });

  it('applies directoryName constraints to directoryName SANs, not only the subject', async () => {
    const { ca, leaf } = await constrained(
      { permitted: [gn.dir('O=Shomei,C=JP')] },
      [gn.dir('CN=X,O=Other,C=JP')],
      'CN=Holder,O=Shomei,C=JP',
    );
    const r = await run(leaf, [ca]);
    expect([r.code, r.failures[0]?.detail]).toEqual(['NAME_CONSTRAINTS', expect.stringContaining('O=Other')]);
  });

  it('refuses a wildcard SAN that could match an excluded subtree (RFC 9525)', async () => {
    const { ca, leaf } = await constrained({ excluded: [gn.dns('bad.example.jp')] }, [
      gn.dns('*.example.jp'),
    ]);
    expect((await run(leaf, [ca])).code).toBe('NAME_CONSTRAINTS');
  });

  it('accepts a wildcard SAN whose names all lie outside the excluded subtree', async () => {
    const { ca, leaf } = await constrained({ excluded: [gn.dns('example.com')] }, [gn.dns('*.example.jp')]);
    expect((await run(leaf, [ca])).code).toBe('OK');
  });

  it('NAME_CONSTRAINTS_UNSUPPORTED for an otherName constraint over a certificate with an otherName', async () => {
    const other = gn.other('1.2.392.200149.8.5.5.1', utf8('x'));
    const { ca, leaf } = await constrained({ permitted: [gn.other('1.2.392.200149.8.5.5.1', utf8('y'))] }, [
      other,
    ]);
    expect((await run(leaf, [ca])).code).toBe('NAME_CONSTRAINTS_UNSUPPORTED');
  });

  it('ignores an otherName constraint when the certificate has no otherName', async () => {
    const { ca, leaf } = await constrained({ permitted: [gn.other('1.2.392.200149.8.5.5.1', utf8('y'))] }, [
      gn.dns('a.example.jp'),
    ]);
    expect((await run(leaf, [ca])).code).toBe('OK');
  });

  it('does not apply constraints to a self-issued intermediate (§6.1.3 (b)), but does to the leaf below it', async () => {
    const ca = await issue({
      subject: 'CN=Strict CA,C=JP',
      key: keys[1]!,
      issuer: root,
      ca: true,
      extensions: [ext.nameConstraints({ permitted: [gn.dir('CN=Holder,C=JP')] })],
    });
    // Self-issued re-key of the CA: its own subject lies outside the permitted subtree.
    const rekey = await issue({ subject: 'CN=Strict CA,C=JP', key: keys[3]!, issuer: ca, ca: true });
    const ok = await issue({ subject: 'CN=Holder,C=JP', key: keys[2]!, issuer: rekey });
    const bad = await issue({ subject: 'CN=Other,C=JP', key: keys[2]!, issuer: rekey });
    const codes = [(await run(ok, [ca, rekey])).code, (await run(bad, [ca, rekey])).code];
    expect(codes).toEqual(['OK', 'NAME_CONSTRAINTS']);
  });
});

describe('budgets', () => {
  it('stops thousands of subtrees against thousands of names with PATH_BUDGET_EXCEEDED, fast', async () => {
    const subtrees = Array.from({ length: 2000 }, (_, i) => gn.dns(`host${i}.example.jp`));
    const names = Array.from({ length: 2000 }, (_, i) => gn.dns(`n${i}.example.com`));
    const { ca, leaf } = await chain(
      { extensions: [ext.nameConstraints({ excluded: subtrees })] },
      { extensions: [ext.san(names)] },
    );
    const start = performance.now();
    const r = await run(leaf, [ca]);
    const ms = performance.now() - start;
    expect([r.code, r.failures[0]?.detail, ms < 1000]).toEqual([
      'PATH_BUDGET_EXCEEDED',
      expect.stringContaining('name-constraint comparisons'),
      true,
    ]);
  });

  it('bounds the policy tree: PATH_BUDGET_EXCEEDED instead of exhausting the heap', async () => {
    // Each CA asserts many policies and anyPolicy, and maps every policy to all of them: the tree
    // would grow as policies^depth.
    const pols = Array.from({ length: 30 }, (_, i) => `1.2.3.${i + 1}`);
    const maps = pols.flatMap((a) => pols.map((b) => [a, b] as [string, string]));
    const exts = [ext.policies([...pols, '2.5.29.32.0']), ext.policyMappings(maps)];
    let parent = root;
    const cas: TestCert[] = [];
    for (let i = 0; i < 4; i++) {
      parent = await issue({
        subject: `CN=Policy CA ${i},C=JP`,
        key: keys[1 + (i % 2)]!,
        issuer: parent,
        ca: true,
        extensions: exts,
      });
      cas.push(parent);
    }
    const leaf = await issue({
      subject: 'CN=Holder,C=JP',
      key: keys[3]!,
      issuer: parent,
      extensions: [ext.policies(pols)],
    });
    const r = await run(leaf, cas, { budget: { policyNodes: 2000 } });
    expect([r.code, r.failures[0]?.detail]).toEqual([
      'PATH_BUDGET_EXCEEDED',
      expect.stringContaining('policy tree nodes'),
    ]);
  });

  it('does not process the policies of a certificate whose signature failed', async () => {
    const { ca, leaf } = await chain(
      {
        corruptSignature: true,
        extensions: [ext.policies(['2.5.29.32.0']), ext.policyMappings([['2.5.29.32.0', '1.2.3']])],
      },
      {},
    );
    const r = await run(leaf, [ca], { policy: { explicitPolicyRequired: true } });
    expect(r.failures.map((f) => f.code)).toEqual(['SIGNATURE_INVALID']);
  });

  it('ends with PATH_BUDGET_EXCEEDED when the signature budget is smaller than the chain', async () => {
    const { ca, leaf } = await chain();
    const r = await run(leaf, [ca], { budget: { signatures: 1 } });
    expect(r.code).toBe('PATH_BUDGET_EXCEEDED');
  });

  it('indexes a large pool once: 2,000 unrelated intermediates cost little', async () => {
    const { ca, leaf } = await chain();
    const noise = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        issue({ subject: `CN=Noise ${i},C=JP`, key: keys[4]!, issuer: root, ca: true }),
      ),
    );
    const pool = [...Array.from({ length: 50 }, () => noise).flat(), ca];
    const start = performance.now();
    const r = await run(leaf, pool);
    expect([r.code, performance.now() - start < 1000]).toEqual(['OK', true]);
  });
});

describe('maxIntermediates', () => {
  it('PATH_TOO_LONG when the only path has more intermediates than allowed', async () => {
    const { ca, leaf } = await chain();
    const sub = await issue({ subject: 'CN=Sub,C=JP', key: keys[3]!, issuer: ca, ca: true });
    const l2 = await issue({ subject: 'CN=Deep,C=JP', key: keys[2]!, issuer: sub });
    const codes = [
      (await run(l2, [ca, sub], { maxIntermediates: 1 })).code,
      (await run(leaf, [ca], { maxIntermediates: 1 })).code,
    ];
    expect(codes).toEqual(['PATH_TOO_LONG', 'OK']);
  });
});

describe('validity times (RFC 5280 §4.1.2.5)', () => {
  const gt = (s: string) => encodeTlv(0x18, new TextEncoder().encode(s));
  it('refuses a GeneralizedTime with fractional seconds as CERT_TIME_MALFORMED, never as expiry', async () => {
    const der = await issueDer({
      subject: 'CN=Holder,C=JP',
      key: keys[2]!,
      issuer: root,
      validityDer: seq(gt('20250101000000Z'), gt('20350101000000.5Z')),
    });
    let code = '';
    await validatePath(der, { trustAnchors: [root.der], time: NOW, revocation: 'off' }).catch((e) => {
      code = (e as { code: string }).code;
    });
    expect(code).toBe('CERT_TIME_MALFORMED');
  });
});
