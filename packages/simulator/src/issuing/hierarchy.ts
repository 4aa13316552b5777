/**
 * Creates the CA hierarchy: the signature and authentication CAs (self-signed, ten years, like the
 * J-LIS ones, spec/jpki-card.md §11 [C]) or, with `root`, both under a common root; and the
 * time-stamping unit's key and certificate under the signature CA.
 */

import { type CaId, generateRsaKey, type KeyHolder, keyHolder, randomSerial, spkiOf } from './ca-key.js';
import { buildCaCertificate, buildTsaCertificate, caName, rootName } from './certificate-profile.js';

export const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Where the simulated authority's services answer unless told otherwise (`shomei-sim serve`). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8370';

/** The CRL, OCSP and CA-issuers URLs an end-entity certificate of `kind` carries under `baseUrl`. */
export function endEntityUrls(
  kind: 'sign' | 'auth',
  baseUrl: string,
): { crlUrl: string; ocspUrl: string; caIssuersUrl: string } {
  return {
    crlUrl: `${baseUrl}/crl/${kind}.crl`,
    ocspUrl: `${baseUrl}/ocsp`,
    caIssuersUrl: `${baseUrl}/ca/${kind}.crt`,
  };
}

export async function createHierarchy(o: {
  now: Date;
  root: boolean;
  baseUrl: string;
  label?: string;
}): Promise<Map<CaId, KeyHolder>> {
  const { now, baseUrl } = o;
  const notBefore = new Date(now.getTime() - 60_000);
  const [rootKey, signKey, authKey, tsaKey] = await Promise.all([
    o.root ? generateRsaKey() : undefined,
    generateRsaKey(),
    generateRsaKey(),
    generateRsaKey(),
  ]);
  const cas = new Map<CaId, KeyHolder>();
  let root: KeyHolder | undefined;
  if (rootKey) {
    const name = rootName(o.label);
    const cert = buildCaCertificate({
      serial: randomSerial(),
      subject: name,
      publicKey: spkiOf(rootKey),
      key: rootKey,
      notBefore,
      notAfter: new Date(now.getTime() + 20 * YEAR_MS),
    });
    root = keyHolder('root', name, rootKey, cert);
    cas.set('root', root);
  }
  cas.set('sign', keyHolder('sign', caName('sign', o.label, spkiOf(signKey)), signKey, new Uint8Array(0)));
  cas.set('auth', keyHolder('auth', caName('auth', o.label, spkiOf(authKey)), authKey, new Uint8Array(0)));
  cas.set('tsa', keyHolder('tsa', [], tsaKey, new Uint8Array(0)));
  certifyServices(cas, { now, baseUrl });
  return cas;
}

/**
 * (Re)issues the certificates that carry the authority's URLs, keeping every key: the two CAs when
 * they sit under the root (their CRL DP is the root CRL's URL) and the time-stamping unit's (CRL DP
 * and OCSP of the signature CA). Called at creation and whenever the base URL changes, so a verifier
 * can always reach the revocation sources named in them.
 */
export function certifyServices(cas: Map<CaId, KeyHolder>, o: { now: Date; baseUrl: string }): void {
  const { now, baseUrl } = o;
  const notBefore = new Date(now.getTime() - 60_000);
  const root = cas.get('root');
  for (const id of ['sign', 'auth'] as const) {
    const ca = cas.get(id)!;
    if (ca.certificate.length > 0 && !root) continue;
    // J-LIS CA certificates are valid ten years (spec §11 [C]).
    const cert = buildCaCertificate({
      serial: randomSerial(),
      subject: ca.name,
      publicKey: ca.publicKey,
      key: ca.key,
      notBefore,
      notAfter: new Date(now.getTime() + 10 * YEAR_MS),
      ...(root && {
        issuer: {
          name: root.name,
          key: root.key,
          publicKey: root.publicKey,
          crlUrl: `${baseUrl}/crl/root.crl`,
        },
      }),
    });
    cas.set(id, keyHolder(id, ca.name, ca.key, cert));
  }
  const tsa = cas.get('tsa')!;
  const tsaCert = buildTsaCertificate({
    serial: randomSerial(),
    publicKey: tsa.publicKey,
    notBefore,
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    ca: cas.get('sign')!,
    crlUrl: `${baseUrl}/crl/sign.crl`,
    ocspUrl: `${baseUrl}/ocsp`,
  });
  cas.set('tsa', keyHolder('tsa', [], tsa.key, tsaCert));
}
