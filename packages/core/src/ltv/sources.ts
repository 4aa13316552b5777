/**
 * Where augmentation gets revocation data it does not carry yet. A `RevocationSource` answers for one
 * certificate; `httpRevocationSource` asks the OCSP responder named in the certificate's AIA
 * (RFC 6960, POST) and the CRL distribution points (RFC 5280 §4.2.1.13), with the global fetch, so it
 * works in browsers and Node. The simulator's Authority offers an in-process one for tests.
 */
import { isShomeiError } from '../errors.js';
import { fetchBytes } from '../revocation/fetch.js';
import { buildOcspRequest } from '../revocation/ocsp.js';
import type { Certificate } from '../x509/certificate.js';
import { AD_OID } from '../x509/oids.js';

export interface RevocationSource {
  /** A DER OCSPResponse about `cert`, or undefined when there is no responder or it failed. */
  ocsp?(
    cert: Certificate,
    issuer: Certificate,
    options: { signal?: AbortSignal },
  ): Promise<Uint8Array | undefined>;
  /** DER CRLs that may cover `cert` (possibly none). */
  crls?(cert: Certificate, options: { signal?: AbortSignal }): Promise<Uint8Array[]>;
}

export interface HttpRevocationSourceOptions {
  /** Per-request timeout in milliseconds. Default 10 000. */
  timeoutMs?: number;
}

const rethrowAbort = (e: unknown) => {
  if (isShomeiError(e) && e.code === 'ABORTED') throw e;
};

/** Fetches OCSP responses (AIA id-ad-ocsp) and CRLs (cRLDistributionPoints) over http(s). */
export function httpRevocationSource(options: HttpRevocationSourceOptions = {}): RevocationSource {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async ocsp(cert, issuer, { signal }) {
      const urls = (cert.authorityInfoAccess ?? []).flatMap((a) =>
        a.method === AD_OID.ocsp && a.location.type === 'uniformResourceIdentifier' ? [a.location.value] : [],
      );
      if (urls.length === 0) return undefined;
      const request = await buildOcspRequest(cert, issuer);
      for (const url of urls) {
        try {
          return await fetchBytes(url, {
            method: 'POST',
            body: request.der,
            contentType: 'application/ocsp-request',
            timeoutMs,
            maxBytes: 1024 * 1024,
            ...(signal ? { signal } : {}),
          });
        } catch (e) {
          rethrowAbort(e);
        }
      }
      return undefined;
    },
    async crls(cert, { signal }) {
      const urls = (cert.crlDistributionPoints ?? []).flatMap((dp) =>
        dp.distributionPoint?.type === 'fullName'
          ? dp.distributionPoint.names.flatMap((n) =>
              n.type === 'uniformResourceIdentifier' && /^https?:/i.test(n.value) ? [n.value] : [],
            )
          : [],
      );
      const out: Uint8Array[] = [];
      for (const url of urls) {
        try {
          out.push(await fetchBytes(url, { timeoutMs, ...(signal ? { signal } : {}) }));
        } catch (e) {
          rethrowAbort(e);
        }
      }
      return out;
    },
  };
}
