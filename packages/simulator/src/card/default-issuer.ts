/**
 * The issuer a `VirtualJpkiCard` uses when none is given: an in-memory CA pair built by the same
 * encoder as the `Authority` (two self-signed CAs like the J-LIS ones, spec/jpki-card.md §11), made
 * once per process because RSA key generation is slow. It keeps no records and offers no revocation;
 * tests that need CRLs, OCSP or an audit log issue cards through an `Authority`.
 */
import { JPKI_CERTIFICATE_PROFILE } from '@shomei/core';
import { randomSerial } from '../issuing/ca-key.js';
import { buildEndEntityCertificate } from '../issuing/certificate-profile.js';
import { createHierarchy, DEFAULT_BASE_URL, endEntityUrls, YEAR_MS } from '../issuing/hierarchy.js';
import type { CertificateIssuer, CertificateRequest, IssuedCertificate } from './issuer.js';

/** Validity of the end-entity certificates, as the Authority's defaults: 5 years sign, 10 auth. */
const VALIDITY_YEARS = { sign: 5, auth: 10 } as const;

let shared: Promise<CertificateIssuer> | undefined;

/** The per-process default issuer (created on first use; a failed creation is retried next time). */
export function defaultIssuer(): Promise<CertificateIssuer> {
  shared ??= memoryIssuer().catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

async function memoryIssuer(): Promise<CertificateIssuer> {
  const cas = await createHierarchy({ now: new Date(), root: false, baseUrl: DEFAULT_BASE_URL });
  return {
    async issue(req: CertificateRequest): Promise<IssuedCertificate> {
      const ca = cas.get(req.kind);
      if (!ca) throw new TypeError(`no CA for certificate kind ${String(req.kind)}`);
      const now = Date.now();
      const certificate = buildEndEntityCertificate({
        kind: req.kind,
        serial: randomSerial(),
        publicKey: req.publicKey,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + VALIDITY_YEARS[req.kind] * YEAR_MS),
        policy: JPKI_CERTIFICATE_PROFILE[req.kind].policy,
        ...(req.kind === 'sign' && { holder: req.holder }),
        ca,
        ...endEntityUrls(req.kind, DEFAULT_BASE_URL),
      });
      return { certificate, caCertificate: ca.certificate };
    },
  };
}
