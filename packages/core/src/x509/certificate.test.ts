import {
  ext,
  generateKey,
  gn,
  issue,
  name,
  type TestCert,
  type TestKey,
  utf8,
} from '@shomei/simulator/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../errors.js';
import { parseCertificate } from './certificate.js';
import { formatGeneralName } from './general-name.js';
import { nameIndexKey, namesMatch, parseName } from './name.js';

let key: TestKey;
let root: TestCert;

beforeAll(async () => {
  key = await generateKey();
  root = await issue({ subject: 'CN=Root,O=Shomei,C=JP', key, ca: true, pathLen: 2, serial: 0x0102 });
});

describe('parseCertificate', () => {
  it('reads serial, names, validity and version', () => {
    const c = root.cert;
    expect([c.version, c.serialHex, c.subject.text, c.issuer.text, c.selfIssued]).toEqual([
      3,
      '0102',
      'CN=Root,O=Shomei,C=JP',
      'CN=Root,O=Shomei,C=JP',
      true,
    ]);
  });

  it('exposes the TBS bytes and the ECDSA algorithm OIDs', () => {
    const c = root.cert;
    expect([c.tbs[0], c.signatureAlgorithm.oid, c.publicKeyAlgorithm.oid]).toEqual([
      0x30,
      '1.2.840.10045.4.3.2',
      '1.2.840.10045.2.1',
    ]);
  });

  it('decodes basicConstraints and keyUsage', () => {
    expect([
      root.cert.basicConstraints,
      root.cert.keyUsage?.keyCertSign,
      root.cert.keyUsage?.digitalSignature,
    ]).toEqual([{ ca: true, pathLenConstraint: 2 }, true, false]);
  });

  it('decodes SAN general names including otherName and directoryName', async () => {
    const c = await issue({
      subject: 'CN=Leaf',
      key,
      issuer: root,
      extensions: [
        ext.san([
          gn.dns('a.example.jp'),
          gn.email('x@example.jp'),
          gn.uri('https://example.jp/'),
          gn.ip([192, 0, 2, 1]),
          gn.dir('CN=Dir,C=JP'),
          gn.other('1.2.392.200149.8.5.5.1', utf8('山田太郎')),
        ]),
      ],
    });
    expect(c.cert.subjectAltName?.map(formatGeneralName)).toEqual([
      'dNSName:a.example.jp',
      'rfc822Name:x@example.jp',
      'uniformResourceIdentifier:https://example.jp/',
      'iPAddress:192.0.2.1',
      'directoryName:CN=Dir,C=JP',
      'otherName:1.2.392.200149.8.5.5.1',
    ]);
  });

  it('decodes policies, mappings, constraints and inhibitAnyPolicy', async () => {
    const c = await issue({
      subject: 'CN=CA2',
      key,
      issuer: root,
      ca: true,
      extensions: [
        ext.policies(['1.2.3.4']),
        ext.policyMappings([['1.2.3.4', '1.2.3.5']]),
        ext.policyConstraints({ requireExplicitPolicy: 0, inhibitPolicyMapping: 1 }),
        ext.inhibitAnyPolicy(0),
      ],
    });
    expect([
      c.cert.certificatePolicies?.map((p) => p.policyId),
      c.cert.policyMappings,
      c.cert.policyConstraints,
      c.cert.inhibitAnyPolicy,
    ]).toEqual([
      ['1.2.3.4'],
      [{ issuerDomainPolicy: '1.2.3.4', subjectDomainPolicy: '1.2.3.5' }],
      { requireExplicitPolicy: 0, inhibitPolicyMapping: 1 },
      0,
    ]);
  });

  it('decodes name constraints, CRL distribution points and AIA', async () => {
    const c = await issue({
      subject: 'CN=CA3',
      key,
      issuer: root,
      ca: true,
      extensions: [
        ext.nameConstraints({ permitted: [gn.dns('example.jp')], excluded: [gn.email('bad.example.jp')] }),
        ext.crlDp([{ uris: ['http://crl.example.jp/ca.crl'], reasons: [1, 2] }]),
        ext.aia({ ocsp: 'http://ocsp.example.jp/' }),
      ],
    });
    expect([
      c.cert.nameConstraints?.permittedSubtrees?.map((s) => formatGeneralName(s.base)),
      c.cert.nameConstraints?.excludedSubtrees?.map((s) => formatGeneralName(s.base)),
      c.cert.crlDistributionPoints?.[0]?.distributionPoint,
      c.cert.crlDistributionPoints?.[0]?.reasons,
      c.cert.authorityInfoAccess?.[0]?.method,
    ]).toEqual([
      ['dNSName:example.jp'],
      ['rfc822Name:bad.example.jp'],
      {
        type: 'fullName',
        names: [{ type: 'uniformResourceIdentifier', value: 'http://crl.example.jp/ca.crl' }],
      },
      0b110,
      '1.3.6.1.5.5.7.48.1',
    ]);
  });

  it('keeps unknown extensions with their criticality', async () => {
    const c = await issue({
      subject: 'CN=X',
      key,
      issuer: root,
      extensions: [ext.raw('1.2.3.99', utf8('x'), true)],
    });
    expect(c.cert.extensions.find((e) => e.oid === '1.2.3.99')?.critical).toBe(true);
  });

  it('reports the RSA modulus size', async () => {
    const rsa = await generateKey('rsa');
    const c = await issue({ subject: 'CN=R', key: rsa });
    expect(c.cert.rsaModulusBits).toBe(2048);
  });

  it('returns the cached object for equal bytes', () => {
    expect(parseCertificate(root.der.slice())).toBe(root.cert);
  });

  it('finds a certificate embedded at any offset by content, and never for different bytes', async () => {
    // The same certificate inside a larger buffer at every alignment resolves to the cached object.
    const hits = [0, 1, 2, 3, 5].map((at) => {
      const big = new Uint8Array(root.der.length + 16);
      big.set(root.der, at);
      return parseCertificate(big.subarray(at, at + root.der.length)) === root.cert;
    });
    // Another certificate with the same length and the same last 32 octets (the content key) but a
    // different subject serial octet: a cache hit would be a forgery.
    // (ECDSA signatures vary in length: issue until one has the root's.)
    let other = await issue({ subject: 'CN=Root,O=Shomei,C=JP', key, ca: true, pathLen: 2, serial: 0x0103 });
    for (let i = 0; i < 50 && other.der.length !== root.der.length; i++)
      other = await issue({ subject: 'CN=Root,O=Shomei,C=JP', key, ca: true, pathLen: 2, serial: 0x0103 });
    const forged = other.der.slice();
    forged.set(root.der.subarray(root.der.length - 32), forged.length - 32);
    const parsed = parseCertificate(forged);
    expect([hits, forged.length === root.der.length, parsed === root.cert, parsed.serialHex]).toEqual([
      [true, true, true, true, true],
      true,
      false,
      '0103',
    ]);
  });

  it('rejects garbage with CERT_MALFORMED', () => {
    expect(() => parseCertificate(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toThrow(
      expect.objectContaining({ code: 'CERT_MALFORMED' }),
    );
  });

  it('rejects a malformed known extension with CERT_MALFORMED', async () => {
    const c = issue({ subject: 'CN=Y', key, issuer: root, extensions: [ext.raw('2.5.29.19', utf8('x'))] });
    await expect(c).rejects.toMatchObject({ code: 'CERT_MALFORMED' });
  });

  it('never throws anything but CERT_MALFORMED or CERT_TIME_MALFORMED on mutated certificates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: root.der.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (i, b) => {
          const d = root.der.slice();
          d[i] = b;
          try {
            parseCertificate(d);
          } catch (e) {
            if (!hasErrorCode(e, 'CERT_MALFORMED') && !hasErrorCode(e, 'CERT_TIME_MALFORMED')) throw e;
          }
        },
      ),
      { seed: 6, numRuns: 400 },
    );
  });
});

describe('names', () => {
  it('matches names case-insensitively with folded whitespace (RFC 5280 §7.1)', () => {
    const a = parseName(name('CN=Foo  Bar,C=JP'));
    const b = parseName(name('CN=foo bar,C=JP'));
    expect(namesMatch(a, b)).toBe(true);
  });

  it('does not match different names', () => {
    expect(namesMatch(parseName(name('CN=A')), parseName(name('CN=B')))).toBe(false);
  });

  it('gives equal index keys exactly to matching names, whatever separators the values hold', async () => {
    const { seq, set: asSet, oid: o, utf8: u, printable } = await import('@shomei/simulator/testing');
    // Values built from pieces of the key's own structure (sizes, OIDs, separators), so that a key
    // joined without lengths would collide.
    const piece = fc.constantFrom('a', 'A', '1', '{', ':', '=', '#', ' ', '2.5.4.3=', '1{', '1:', '2.5.4.3#');
    const value = fc.array(piece, { maxLength: 3 }).map((p) => p.join(''));
    const atv = fc
      .tuple(fc.constantFrom('2.5.4.3', '2.5.4.10', '2.5.4.3.1'), value, fc.boolean())
      .map(([t, v, p]) => seq(o(t), p && /^[0-9aA.: =]*$/.test(v) ? printable(v) : u(v)));
    const der = fc
      .array(fc.array(atv, { minLength: 1, maxLength: 2 }), { maxLength: 3 })
      .map((rdns) => seq(...rdns.map((r) => asSet(...r))));
    // Two RDNs against one whose value spells the second RDN.
    const cn = (v: string) => asSet(seq(o('2.5.4.3'), u(v)));
    const split = parseName(seq(cn('a'), cn('b')));
    const joined = parseName(seq(cn('a1{2.5.4.3=b')));
    expect(nameIndexKey(split)).not.toBe(nameIndexKey(joined));
    fc.assert(
      fc.property(der, der, (x, y) => {
        const a = parseName(x);
        const b = parseName(y);
        expect(nameIndexKey(a) === nameIndexKey(b)).toBe(namesMatch(a, b));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parsing Node Buffers', () => {
  it('does not write into the caller buffer when decoding nameRelativeToCRLIssuer', async () => {
    const { ctx, seq, set: asSet, oid: o, utf8: u, implicit } = await import('@shomei/simulator/testing');
    const { parseCrlDistributionPoints } = await import('./extensions.js');
    const value = seq(seq(ctx(0, true, implicit(1, asSet(seq(o('2.5.4.3'), u('CRL1')))))));
    const buf = Buffer.from(value);
    const dps = parseCrlDistributionPoints(buf);
    expect([Buffer.compare(buf, value), dps[0]?.distributionPoint?.type]).toEqual([
      0,
      'nameRelativeToCRLIssuer',
    ]);
  });
});
