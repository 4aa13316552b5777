/**
 * One certification authority of the hierarchy: its RSA-2048 key, name and certificate, persisted as
 * `<dir>/ca/<id>.key.pem` (PKCS#8, a test key) and `<dir>/ca/<id>.crt.pem`.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { derObjects, hasErrorCode, toPem } from '@shomei/core';
import { simulatorError } from '../errors.js';
import { encodeName, keyIdentifier, type NameAttribute } from './x509-encode.js';

/** `sign` and `auth` are the J-LIS-like CAs; `root` the optional common root; `tsa` the time-stamping unit. */
export type CaId = 'root' | 'sign' | 'auth' | 'tsa';

export interface KeyHolder {
  readonly id: CaId;
  readonly name: NameAttribute[];
  /** DER Name, byte-identical to the certificate's subject. */
  readonly encodedName: Uint8Array;
  readonly key: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  readonly publicKey: Uint8Array;
  readonly keyId: Uint8Array;
  readonly certificate: Uint8Array;
}

export function generateRsaKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv),
    ),
  );
}

export function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
}

export function keyHolder(
  id: CaId,
  name: NameAttribute[],
  key: KeyObject,
  certificate: Uint8Array,
): KeyHolder {
  const publicKey = spkiOf(key);
  return {
    id,
    name,
    encodedName: encodeName(name),
    key,
    publicKey,
    keyId: keyIdentifier(publicKey),
    certificate,
  };
}

/** A positive serial of 16 random octets (RFC 5280 §4.1.2.2: ≤ 20 octets, unpredictable). */
export function randomSerial(): Uint8Array {
  const s = new Uint8Array(randomBytes(16));
  s[0] = (s[0]! & 0x7f) | 0x01;
  return s;
}

export function saveKeyHolder(dir: string, holder: KeyHolder): void {
  const caDir = join(dir, 'ca');
  mkdirSync(caDir, { recursive: true });
  writeFileSync(
    join(caDir, `${holder.id}.key.pem`),
    holder.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    { mode: 0o600 },
  );
  writeFileSync(join(caDir, `${holder.id}.crt.pem`), toPem('CERTIFICATE', holder.certificate));
}

export function loadKeyHolder(
  dir: string,
  id: CaId,
  name: NameAttribute[] | ((publicKey: Uint8Array) => NameAttribute[]),
): KeyHolder {
  const details = { dir, file: `ca/${id}.key.pem, ca/${id}.crt.pem` };
  try {
    const key = createPrivateKey({
      key: readFileSync(join(dir, 'ca', `${id}.key.pem`), 'utf8'),
      format: 'pem',
    });
    const [certificate] = derObjects(new Uint8Array(readFileSync(join(dir, 'ca', `${id}.crt.pem`))), [
      'CERTIFICATE',
    ]);
    if (!certificate)
      throw simulatorError('AUTHORITY_STATE_INVALID', `ca/${id}.crt.pem holds no certificate.`, { details });
    return keyHolder(id, typeof name === 'function' ? name(spkiOf(key)) : name, key, certificate);
  } catch (cause) {
    if (hasErrorCode(cause, 'AUTHORITY_STATE_INVALID')) throw cause;
    throw simulatorError('AUTHORITY_STATE_INVALID', `The ${id} CA's key or certificate cannot be read.`, {
      cause,
      details,
    });
  }
}
