/**
 * The portal's configuration: a JSON file (path in SHOMEI_PORTAL_CONFIG, or given to `loadConfig`),
 * whose file paths are relative to the file itself. Anchors, intermediates and CRLs are PEM or DER.
 *
 *   {
 *     "port": 8080,                           // default 8080; the server binds 127.0.0.1 unless "host"
 *     "trustAnchors": ["sign-ca.pem"],        // required: the CAs a signer must chain to
 *     "intermediates": [],
 *     "crls": ["sign.crl"],                    // read at start; restart to pick up new ones
 *     "revocation": "require",                 // require | prefer | off
 *     "fetchRevocation": true,                 // ask the OCSP responders / CRL DPs named in certificates
 *     "maxUploadBytes": 1048576,               // larger uploads get 413
 *     "keepUploadsDir": null                   // a directory to keep uploads in; default: keep nothing
 *   }
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { derObjects, type RevocationMode } from '@shomei/core';

export interface PortalConfig {
  readonly host: string;
  readonly port: number;
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  readonly revocation: RevocationMode;
  readonly fetchRevocation: boolean;
  readonly maxUploadBytes: number;
  /** Absent: uploads live only in memory for the request. */
  readonly keepUploadsDir?: string;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024;

/** Fills in the defaults for a configuration given in code (tests, embedding). */
export function portalConfig(
  input: Partial<PortalConfig> & Pick<PortalConfig, 'trustAnchors'>,
): PortalConfig {
  if (input.trustAnchors.length === 0) throw new Error('The portal needs at least one trust anchor.');
  return {
    host: '127.0.0.1',
    port: 8080,
    intermediates: [],
    crls: [],
    revocation: 'require',
    fetchRevocation: true,
    maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    ...input,
  };
}

/** Reads a configuration file; throws with a sentence naming the field that is wrong. */
export function loadConfig(path = process.env.SHOMEI_PORTAL_CONFIG): PortalConfig {
  if (!path) throw new Error('Give the configuration file: SHOMEI_PORTAL_CONFIG=portal.json.');
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const base = dirname(resolve(path));
  const files = (field: string, label: string[]): Uint8Array[] => {
    const list = json[field] ?? [];
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
      throw new Error(`"${field}" in ${path} must be a list of file paths.`);
    }
    return list.flatMap((p: string) => derObjects(new Uint8Array(readFileSync(resolve(base, p))), label));
  };
  const revocation = json.revocation ?? 'require';
  if (revocation !== 'require' && revocation !== 'prefer' && revocation !== 'off') {
    throw new Error(`"revocation" in ${path} must be "require", "prefer" or "off".`);
  }
  const keep = json.keepUploadsDir;
  return portalConfig({
    ...(typeof json.host === 'string' ? { host: json.host } : {}),
    ...(typeof json.port === 'number' ? { port: json.port } : {}),
    trustAnchors: files('trustAnchors', ['CERTIFICATE']),
    intermediates: files('intermediates', ['CERTIFICATE']),
    crls: files('crls', ['X509 CRL']),
    revocation,
    fetchRevocation: json.fetchRevocation !== false,
    ...(typeof json.maxUploadBytes === 'number' ? { maxUploadBytes: json.maxUploadBytes } : {}),
    ...(typeof keep === 'string' ? { keepUploadsDir: resolve(base, keep) } : {}),
  });
}
