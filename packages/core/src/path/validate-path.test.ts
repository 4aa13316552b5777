import {
  DER_NULL,
  ext,
  generateKey,
  gn,
  hierarchy,
  issue,
  NOW,
  oid as oidDer,
  seq as seqDer,
  sharedRsaKey,
  type TestCert,
  type TestKey,
  utf8,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkBudget } from './budget.js';
import { processPath } from './process.js';
import type { ValidatePathOptions } from './types.js';
import { validatePath } from './validate-path.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let keys: TestKey[];

beforeAll(async () => {
  ({ root, ca, leaf } = await hierarchy());
  keys = await Promise.all([generateKey(), generateKey(), generateKey(), generateKey()]);
});

const opts = (o: Partial<ValidatePathOptions> = {}): ValidatePathOptions => ({
  trustAnchors: [root.der],
  intermediates: [ca.der],
  time: NOW,
  revocation: 'off',
  ...o,
});

/** A CA under `parent` and a leaf under it, with the given specs. */
async function chain(
  caSpec: Partial<Parameters<typeof issue>[0]>,
  leafSpec: Partial<Parameters<typeof issue>[0]> = {},
) {
  const c = await issue({
    subject: 'CN=Sub CA,O=Shomei,C=JP',
    key: keys[0]!,
    issuer: root,
    ca: true,
    ...caSpec,
  });
  const l = await issue({ subject: 'CN=User,O=Shomei,C=JP', key: keys[1]!, issuer: c, ...leafSpec });
  return {
    c,
    l,
    run: (o: Partial<ValidatePathOptions> = {}) =>
      validatePath(l.der, opts({ intermediates: [c.der], ...o })),
  };
}

describe('validatePath: basic path', () => {
  it('accepts a valid three-certificate chain', async () => {
    const r = await validatePath(leaf.der, opts());
    expect([r.valid, r.code, r.path.map((p) => p.subject)]).toEqual([
      true,
      'OK',
      ['CN=Leaf,O=Shomei,C=JP', 'CN=Test CA,O=Shomei,C=JP', 'CN=Test Root,O=Shomei,C=JP'],
    ]);
  });

  it('reports PATH_NO_TRUST_ANCHOR without anchors', async () => {
    expect((await validatePath(leaf.der, opts({ trustAnchors: [] }))).code).toBe('PATH_NO_TRUST_ANCHOR');
  });

  it('reports PATH_NOT_FOUND when the intermediate is missing', async () => {
    const r = await validatePath(leaf.der, opts({ intermediates: [] }));
    expect([r.code, r.failures[0]?.detail]).toEqual([
      'PATH_NOT_FOUND',
      expect.stringContaining('CN=Test CA'),
    ]);
  });

  it('accepts PEM input for anchors', async () => {
    const { toPem } = await import('../der/pem.js');
    const pem = new TextEncoder().encode(toPem('CERTIFICATE', root.der));
    expect((await validatePath(leaf.der, opts({ trustAnchors: [pem] }))).valid).toBe(true);
  });

  it('accepts a trust anchor validated on its own', async () => {
    expect((await validatePath(root.der, opts())).valid).toBe(true);
  });

  it('rejects garbage leaf bytes with CERT_MALFORMED', async () => {
    await expect(validatePath(Uint8Array.of(1, 2, 3), opts())).rejects.toMatchObject({
      code: 'CERT_MALFORMED',
    });
  });

  it('stops with ABORTED when the signal is aborted', async () => {
    await expect(validatePath(leaf.der, opts({ signal: AbortSignal.abort() }))).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});

describe('validatePath: RFC 5280 §6.1.3 checks', () => {
  it('CERT_EXPIRED after notAfter', async () => {
    const { run } = await chain({}, { notAfter: new Date('2026-01-01T00:00:00Z') });
    expect((await run()).code).toBe('CERT_EXPIRED');
  });

  it('CERT_NOT_YET_VALID before notBefore', async () => {
    const { run } = await chain({}, { notBefore: new Date('2027-01-01T00:00:00Z') });
    expect((await run()).code).toBe('CERT_NOT_YET_VALID');
  });

  it('SIGNATURE_INVALID for a corrupted signature', async () => {
    const { run } = await chain({}, { corruptSignature: true });
    const r = await run();
    expect([r.code, r.failures[0]?.index]).toEqual(['SIGNATURE_INVALID', 0]);
  });

  it('NAME_CHAINING when the issuer name differs from the issuer subject', async () => {
    const wrong = await issue({ subject: 'CN=X', key: keys[1]!, issuer: ca, issuerName: 'CN=Someone Else' });
    const r = await processPath([wrong.cert, ca.cert, root.cert], {
      time: NOW,
      policy: {},
      budget: new WorkBudget(),
    });
    expect(r.failures.map((f) => f.code)).toContain('NAME_CHAINING');
  });

  it('BASIC_CONSTRAINTS when the intermediate is not a CA', async () => {
    const { run } = await chain({ ca: false, extensions: [ext.keyUsage(['keyCertSign'])] });
    const r = await run();
    expect([r.code, r.failures[0]?.index]).toEqual(['BASIC_CONSTRAINTS', 1]);
  });

  it('PATH_LENGTH_EXCEEDED when pathLenConstraint 0 is followed by another CA', async () => {
    const c1 = await issue({ subject: 'CN=C1', key: keys[0]!, issuer: root, ca: true, pathLen: 0 });
    const c2 = await issue({ subject: 'CN=C2', key: keys[2]!, issuer: c1, ca: true });
    const l = await issue({ subject: 'CN=L', key: keys[1]!, issuer: c2 });
    const r = await validatePath(l.der, opts({ intermediates: [c1.der, c2.der] }));
    expect([r.code, r.failures[0]?.index]).toEqual(['PATH_LENGTH_EXCEEDED', 1]);
  });

  it('does not count a self-issued CA against pathLenConstraint (§6.1.4 (l))', async () => {
    const c1 = await issue({ subject: 'CN=C1', key: keys[0]!, issuer: root, ca: true, pathLen: 0 });
    const rollover = await issue({ subject: 'CN=C1', key: keys[2]!, issuer: c1, ca: true });
    const l = await issue({ subject: 'CN=L', key: keys[1]!, issuer: rollover });
    const r = await validatePath(l.der, opts({ intermediates: [c1.der, rollover.der] }));
    expect([r.valid, r.path.length]).toEqual([true, 4]);
  });

  it('KEY_USAGE when the CA lacks keyCertSign', async () => {
    const { run } = await chain({ extensions: [ext.keyUsage(['cRLSign'])] });
    expect((await run()).code).toBe('KEY_USAGE');
  });

  it('UNKNOWN_CRITICAL_EXTENSION for a critical extension the validator does not know', async () => {
    const { run } = await chain({}, { extensions: [ext.raw('1.2.3.4.5', utf8('x'), true)] });
    expect((await run()).code).toBe('UNKNOWN_CRITICAL_EXTENSION');
  });

  it('ignores a non-critical unknown extension', async () => {
    const { run } = await chain({}, { extensions: [ext.raw('1.2.3.4.5', utf8('x'), false)] });
    expect((await run()).valid).toBe(true);
  });
});

describe('validatePath: name constraints', () => {
  const nc = (permitted?: Uint8Array[], excluded?: Uint8Array[]) => ({
    extensions: [
      ext.nameConstraints({ ...(permitted ? { permitted } : {}), ...(excluded ? { excluded } : {}) }),
    ],
  });
  const san = (...names: Uint8Array[]) => ({ extensions: [ext.san(names)] });

  it('accepts a dNSName inside a permitted subtree', async () => {
    const { run } = await chain(nc([gn.dns('example.jp')]), san(gn.dns('www.example.jp')));
    expect((await run()).valid).toBe(true);
  });

  it('rejects a dNSName outside the permitted subtree', async () => {
    const { run } = await chain(nc([gn.dns('example.jp')]), san(gn.dns('example.com')));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('rejects a dNSName that only shares a suffix string (badexample.jp)', async () => {
    const { run } = await chain(nc([gn.dns('example.jp')]), san(gn.dns('badexample.jp')));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('rejects a dNSName in an excluded subtree', async () => {
    const { run } = await chain(nc(undefined, [gn.dns('bad.example.jp')]), san(gn.dns('x.bad.example.jp')));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('accepts a subject DN inside a permitted directoryName subtree', async () => {
    const { run } = await chain(nc([gn.dir('O=Shomei,C=JP')]));
    expect((await run()).valid).toBe(true);
  });

  it('rejects a subject DN outside the permitted directoryName subtree', async () => {
    const { run } = await chain(nc([gn.dir('O=Other,C=JP')]));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('rejects a subject DN inside an excluded directoryName subtree', async () => {
    const { run } = await chain(nc(undefined, [gn.dir('O=Shomei,C=JP')]));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('rejects an rfc822Name outside the permitted host', async () => {
    const { run } = await chain(nc([gn.email('example.jp')]), san(gn.email('a@other.jp')));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('accepts an rfc822Name on a permitted host', async () => {
    const { run } = await chain(nc([gn.email('example.jp')]), san(gn.email('a@example.jp')));
    expect((await run()).valid).toBe(true);
  });

  it('checks an emailAddress in the subject DN against rfc822Name constraints', async () => {
    const { run } = await chain(nc([gn.email('example.jp')]), {
      subject: 'emailAddress=a@other.jp,CN=User,O=Shomei,C=JP',
    });
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('rejects a URI whose host is outside the permitted domain', async () => {
    const { run } = await chain(nc([gn.uri('.example.jp')]), san(gn.uri('https://www.other.jp/x')));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('accepts a URI whose host is within the permitted domain', async () => {
    const { run } = await chain(nc([gn.uri('.example.jp')]), san(gn.uri('https://www.example.jp/x')));
    expect((await run()).valid).toBe(true);
  });

  it('rejects an iPAddress outside the permitted range', async () => {
    const { run } = await chain(nc([gn.ip([192, 0, 2, 0, 255, 255, 255, 0])]), san(gn.ip([198, 51, 100, 1])));
    expect((await run()).code).toBe('NAME_CONSTRAINTS');
  });

  it('accepts an iPAddress inside the permitted range', async () => {
    const { run } = await chain(nc([gn.ip([192, 0, 2, 0, 255, 255, 255, 0])]), san(gn.ip([192, 0, 2, 7])));
    expect((await run()).valid).toBe(true);
  });
});

describe('validatePath: certificate policies', () => {
  const P = '1.2.392.1.1';
  const Q = '1.2.392.1.2';

  it('returns the asserted policy as valid', async () => {
    const { run } = await chain({ extensions: [ext.policies([P])] }, { extensions: [ext.policies([P])] });
    const r = await run({ policy: { initialPolicySet: [P], explicitPolicyRequired: true } });
    expect([r.valid, r.validPolicies]).toEqual([true, [P]]);
  });

  it('POLICY_REQUIRED when the explicit policy set does not meet the path policies', async () => {
    const { run } = await chain({ extensions: [ext.policies([P])] }, { extensions: [ext.policies([P])] });
    const r = await run({ policy: { initialPolicySet: [Q], explicitPolicyRequired: true } });
    expect(r.code).toBe('POLICY_REQUIRED');
  });

  it('accepts a policy-less path when no explicit policy is required', async () => {
    const { run } = await chain({});
    const r = await run({ policy: { initialPolicySet: [Q] } });
    expect([r.valid, r.validPolicies]).toEqual([true, []]);
  });

  it('POLICY_REQUIRED from requireExplicitPolicy 0 in a CA when the leaf has no policy', async () => {
    const { run } = await chain({
      extensions: [ext.policies([P]), ext.policyConstraints({ requireExplicitPolicy: 0 })],
    });
    expect((await run()).code).toBe('POLICY_REQUIRED');
  });

  it('maps an issuer policy to the subject policy (policyMappings)', async () => {
    const { run } = await chain(
      { extensions: [ext.policies([P]), ext.policyMappings([[P, Q]])] },
      { extensions: [ext.policies([Q])] },
    );
    const r = await run({ policy: { initialPolicySet: [P], explicitPolicyRequired: true } });
    expect(r.valid).toBe(true);
  });

  it('POLICY_REQUIRED when mapping is inhibited by the user input', async () => {
    const { run } = await chain(
      { extensions: [ext.policies([P]), ext.policyMappings([[P, Q]])] },
      { extensions: [ext.policies([Q])] },
    );
    const r = await run({
      policy: { initialPolicySet: [P], explicitPolicyRequired: true, policyMappingInhibited: true },
    });
    expect(r.code).toBe('POLICY_REQUIRED');
  });

  it('POLICY_REQUIRED when inhibitPolicyMapping 0 in the CA above forbids the mapping', async () => {
    const c0 = await issue({
      subject: 'CN=Top CA',
      key: keys[2]!,
      issuer: root,
      ca: true,
      extensions: [ext.policies([P]), ext.policyConstraints({ inhibitPolicyMapping: 0 })],
    });
    const c1 = await issue({
      subject: 'CN=Mapping CA',
      key: keys[0]!,
      issuer: c0,
      ca: true,
      extensions: [ext.policies([P]), ext.policyMappings([[P, Q]])],
    });
    const l = await issue({ subject: 'CN=L', key: keys[1]!, issuer: c1, extensions: [ext.policies([Q])] });
    const r = await validatePath(
      l.der,
      opts({
        intermediates: [c0.der, c1.der],
        policy: { initialPolicySet: [P], explicitPolicyRequired: true },
      }),
    );
    expect(r.code).toBe('POLICY_REQUIRED');
  });

  it('POLICY_MAPPING_INVALID when a CA maps to anyPolicy', async () => {
    const { run } = await chain({
      extensions: [ext.policies([P]), ext.policyMappings([[P, '2.5.29.32.0']])],
    });
    expect((await run()).code).toBe('POLICY_MAPPING_INVALID');
  });

  it('accepts anyPolicy in the leaf for a specific initial policy', async () => {
    const { run } = await chain(
      { extensions: [ext.policies([P])] },
      { extensions: [ext.policies(['2.5.29.32.0'])] },
    );
    const r = await run({ policy: { initialPolicySet: [P], explicitPolicyRequired: true } });
    expect([r.valid, r.validPolicies]).toEqual([true, [P]]);
  });

  it('POLICY_REQUIRED when anyPolicy is inhibited by the user input', async () => {
    const { run } = await chain(
      { extensions: [ext.policies(['2.5.29.32.0'])] },
      { extensions: [ext.policies(['2.5.29.32.0'])] },
    );
    const r = await run({ policy: { explicitPolicyRequired: true, anyPolicyInhibited: true } });
    expect(r.code).toBe('POLICY_REQUIRED');
  });

  it('POLICY_REQUIRED when inhibitAnyPolicy 0 in a CA disables anyPolicy below it', async () => {
    const { run } = await chain(
      { extensions: [ext.policies(['2.5.29.32.0']), ext.inhibitAnyPolicy(0)] },
      { extensions: [ext.policies(['2.5.29.32.0'])] },
    );
    const r = await run({ policy: { explicitPolicyRequired: true } });
    expect(r.code).toBe('POLICY_REQUIRED');
  });

  it('accepts anyPolicy when nothing inhibits it', async () => {
    const { run } = await chain(
      { extensions: [ext.policies(['2.5.29.32.0'])] },
      { extensions: [ext.policies(['2.5.29.32.0'])] },
    );
    const r = await run({ policy: { explicitPolicyRequired: true } });
    expect([r.valid, r.validPolicies]).toEqual([true, ['2.5.29.32.0']]);
  });
});

describe('validatePath: path building', () => {
  it('picks the right issuer among same-name candidates by AKI/SKI', async () => {
    const impostor = await issue({
      subject: 'CN=Test CA,O=Shomei,C=JP',
      key: keys[3]!,
      issuer: root,
      ca: true,
    });
    const r = await validatePath(leaf.der, opts({ intermediates: [impostor.der, ca.der] }));
    expect([r.valid, r.path[1]?.certificate.der]).toEqual([true, ca.der]);
  });

  it('chooses the same issuer whether the pool is scanned (small) or indexed by name (large)', async () => {
    const impostor = await issue({
      subject: 'CN=Test CA,O=Shomei,C=JP',
      key: keys[3]!,
      issuer: root,
      ca: true,
    });
    const noise = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        issue({ subject: `CN=Noise ${i},C=JP`, key: keys[2]!, issuer: root, ca: true }),
      ),
    );
    const pools = [
      [impostor.der, ca.der],
      [impostor.der, ...noise.map((n) => n.der), ca.der],
      [root.der, impostor.der, ...noise.map((n) => n.der), ca.der],
    ];
    const picked = [];
    for (const intermediates of pools) {
      const r = await validatePath(leaf.der, opts({ intermediates }));
      picked.push([r.valid, r.path.length, r.path[1]?.certificate.der]);
    }
    expect(picked).toEqual(pools.map(() => [true, 3, ca.der]));
  });

  it('falls back to the next candidate when the first one fails', async () => {
    // Same name and no SKI preference: an expired twin with the right key.
    const expiredTwin = await issue({
      subject: 'CN=Test CA,O=Shomei,C=JP',
      key: ca.key,
      issuer: root,
      ca: true,
      notAfter: new Date('2025-06-01T00:00:00Z'),
    });
    const r = await validatePath(leaf.der, opts({ intermediates: [expiredTwin.der, ca.der] }));
    expect(r.valid).toBe(true);
  });

  it('follows a cross certificate to a second root', async () => {
    const otherRootKey = keys[3]!;
    const root2 = await issue({ subject: 'CN=Root 2', key: otherRootKey, ca: true });
    const cross = await issue({
      subject: 'CN=Test Root,O=Shomei,C=JP',
      key: root.key,
      issuer: root2,
      ca: true,
    });
    const r = await validatePath(
      leaf.der,
      opts({ trustAnchors: [root2.der], intermediates: [ca.der, cross.der] }),
    );
    expect([r.valid, r.path.length]).toEqual([true, 4]);
  });

  it('terminates on a loop of cross certificates with PATH_NOT_FOUND', async () => {
    const a = await issue({
      subject: 'CN=A',
      key: keys[0]!,
      issuer: { subject: 'CN=B', key: keys[2]! } as TestCert,
      ca: true,
    });
    const b = await issue({
      subject: 'CN=B',
      key: keys[2]!,
      issuer: { subject: 'CN=A', key: keys[0]! } as TestCert,
      ca: true,
    });
    const l = await issue({ subject: 'CN=L', key: keys[1]!, issuer: a });
    const r = await validatePath(l.der, opts({ intermediates: [a.der, b.der] }));
    expect(r.code).toBe('PATH_NOT_FOUND');
  });

  it('stops a hostile pool within the budget', async () => {
    // Many same-name CAs cross-signing each other: every combination is a candidate.
    const pool: Uint8Array[] = [];
    const cas = await Promise.all(keys.slice(0, 3).map((k) => Promise.resolve(k)));
    for (const k of cas)
      for (const k2 of cas) {
        pool.push(
          (
            await issue({
              subject: 'CN=Mesh',
              key: k,
              issuer: { subject: 'CN=Mesh', key: k2 } as TestCert,
              ca: true,
              bare: true,
              extensions: [ext.basicConstraints(true)],
            })
          ).der,
        );
      }
    const l = await issue({
      subject: 'CN=L',
      key: keys[3]!,
      issuer: { subject: 'CN=Mesh', key: keys[0]! } as TestCert,
      bare: true,
    });
    const r = await validatePath(l.der, opts({ intermediates: pool, budget: { paths: 4 } }));
    expect(r.code).toBe('PATH_BUDGET_EXCEEDED');
  });
});

describe('validatePath: signature algorithms', () => {
  it('SIGNATURE_INVALID when the outer algorithm differs from the TBS signature field (§4.1.1.2)', async () => {
    const { run } = await chain({}, { outerSignatureAlgorithm: seqDer(oidDer('1.2.840.10045.4.3.3')) });
    expect((await run()).code).toBe('SIGNATURE_INVALID');
  });

  it('SIGNATURE_ALGORITHM_UNSUPPORTED for an unknown signature algorithm', async () => {
    const alg = seqDer(oidDer('1.2.840.10040.4.3'));
    const { run } = await chain({}, { outerSignatureAlgorithm: alg, tbsSignatureAlgorithm: alg });
    expect((await run()).code).toBe('SIGNATURE_ALGORITHM_UNSUPPORTED');
  });

  it('SIGNATURE_ALGORITHM_UNSUPPORTED for an RSA algorithm over an EC key', async () => {
    const alg = seqDer(oidDer('1.2.840.113549.1.1.11'), DER_NULL);
    const { run } = await chain({}, { outerSignatureAlgorithm: alg, tbsSignatureAlgorithm: alg });
    expect((await run()).code).toBe('SIGNATURE_ALGORITHM_UNSUPPORTED');
  });

  it('verifies an RSA-2048 chain', async () => {
    const rsa = await sharedRsaKey(0);
    const r2 = await issue({ subject: 'CN=RSA Root', key: rsa, ca: true });
    const l2 = await issue({ subject: 'CN=RSA Leaf', key: keys[1]!, issuer: r2 });
    expect((await validatePath(l2.der, opts({ trustAnchors: [r2.der], intermediates: [] }))).valid).toBe(
      true,
    );
  });
});
