/**
 * Creates the CA hierarchy: the signature and authentication CAs (self-signed, ten years, like the
 * J-LIS ones, spec/jpki-card.md §11 [C]) or, with `root`, both under a common root; and the
 * time-stamping unit's key and certificate under the signature CA.
 */

import { type CaId, generateRsaKey, type KeyHolder, keyHolder, randomSerial, spkiOf } from './ca-key.js';
import { buildCaCertificate, buildTsaCertificate, caName, rootName } from './certificate-profile.js';

export const YEAR_MS = 365.25 * 24 * 3600 * 1000;

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
  // J-LIS CA certificates are valid ten years (spec §11 [C]).
  for (const [id, key] of [
    ['sign', signKey],
    ['auth', authKey],
  ] as const) {
    const name = caName(id, o.label);
    const cert = buildCaCertificate({
      serial: randomSerial(),
      subject: name,
      publicKey: spkiOf(key),
      key,
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
    cas.set(id, keyHolder(id, name, key, cert));
  }
  const signCa = cas.get('sign')!;
  const tsaCert = buildTsaCertificate({
    serial: randomSerial(),
    publicKey: spkiOf(tsaKey),
    notBefore,
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    ca: signCa,
    crlUrl: `${baseUrl}/crl/sign.crl`,
  });
  cas.set('tsa', keyHolder('tsa', [], tsaKey, tsaCert));
  return cas;
}
