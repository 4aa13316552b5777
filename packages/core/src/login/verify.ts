/**
 * `verifyLogin`: the relying party's side of "log in with the card". The cheap checks run first and
 * stop at the first failure (a junk or replayed token never triggers path building or revocation
 * fetching); the certificate's path and revocation are then checked by `validatePath` (RFC 5280 §6).
 */

import { digestBytes } from '../cms/hasher.js';
import { verifySignerSignature } from '../cms/public-key.js';
import { chainChecks, type PathValidator } from '../cms/verify-chain.js';
import { coreError, isShomeiError } from '../errors.js';
import { JPKI_POLICY_OID } from '../jpki/oids.js';
import type { ValidatePathOptions } from '../path/types.js';
import { validatePath } from '../path/validate-path.js';
import type { ReportChainElement, Verdict } from '../report/types.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { toBase64Url } from './base64url.js';
import type { LoginChallenge } from './challenge.js';
import { decodeLoginToken, isWebOrigin, type LoginTokenFields, loginMessage } from './token.js';

export interface VerifyLoginOptions extends Omit<ValidatePathOptions, 'time'> {
  /** The challenge this server issued for this login attempt (and has not accepted a token for yet). */
  readonly challenge: LoginChallenge;
  /** The server's own origin, e.g. `https://portal.example.jp` (not taken from the request). */
  readonly origin: string;
  /** Verification time (challenge expiry, certificate validity). Default: now. */
  readonly time?: Date;
  /** Path validation; default core's `validatePath`. */
  readonly validatePath?: PathValidator;
}

export type LoginCheckName =
  | 'format'
  | 'origin'
  | 'challenge'
  | 'expiry'
  | 'signature'
  | 'keyUsage'
  | 'chain'
  | 'revocation';

export interface LoginCheck {
  readonly name: LoginCheckName;
  readonly ok: boolean;
  readonly code?: string;
  readonly detail?: string;
}

/**
 * Who logged in. JPKI authentication certificates carry no name or address (spec/jpki-card.md §11):
 * a service keys its accounts on the issuer and serial number. A renewed card has a new serial; link
 * it to the account through another check (e.g. a signature with the signing certificate).
 */
export interface LoginAccount {
  /** Issuer DN (RFC 4514). */
  readonly issuer: string;
  /** Certificate serial number, lower-case hex. */
  readonly serial: string;
  /** base64url(SHA-256(issuer Name DER ‖ serial INTEGER contents)): one opaque key for both. */
  readonly id: string;
}

export interface LoginReport {
  readonly verdict: Verdict;
  /** The first failing check's code (absent when valid). */
  readonly code?: string;
  readonly message?: string;
  /** The origin the token was made for (when the token could be read). */
  readonly origin?: string;
  /** Present when the token's signature verified with its certificate. */
  readonly account?: LoginAccount;
  /** The authentication certificate's path, leaf first, with revocation (empty before path checking). */
  readonly chain: readonly ReportChainElement[];
  readonly checks: readonly LoginCheck[];
}

/** Verifies a login token against the challenge and origin; never throws for a bad token. */
export async function verifyLogin(token: string, options: VerifyLoginOptions): Promise<LoginReport> {
  const { challenge, origin, validatePath: validator = validatePath, time: at, ...pathOptions } = options;
  if (!isWebOrigin(origin)) {
    throw coreError('INPUT_INVALID', 'verifyLogin needs the server origin, e.g. https://portal.example.jp.');
  }
  if (!challenge || typeof challenge.nonce !== 'string' || Number.isNaN(Date.parse(challenge.expiresAt))) {
    throw coreError('INPUT_INVALID', 'verifyLogin needs the LoginChallenge created for this attempt.');
  }
  const time = at ?? new Date();
  const checks: LoginCheck[] = [];
  const fail = (
    name: LoginCheckName,
    code: string,
    message: string,
    extra: Partial<LoginReport> = {},
  ): LoginReport => {
    checks.push({ name, ok: false, code, detail: message });
    return { verdict: 'invalid', code, message, chain: [], checks, ...extra };
  };

  let fields: LoginTokenFields;
  let certificate: Certificate;
  try {
    fields = decodeLoginToken(token);
    certificate = parseCertificate(fields.certificate);
  } catch (error) {
    const message = isShomeiError(error) ? error.message : 'The login token cannot be read.';
    return fail('format', 'LOGIN_TOKEN_MALFORMED', message);
  }
  checks.push({ name: 'format', ok: true });

  if (fields.origin !== origin) {
    return fail(
      'origin',
      'LOGIN_ORIGIN_MISMATCH',
      `The token was made for ${fields.origin}, not for ${origin}: another site asked for it (phishing?).`,
      { origin: fields.origin },
    );
  }
  checks.push({ name: 'origin', ok: true, detail: origin });
  if (fields.nonce !== challenge.nonce) {
    return fail(
      'challenge',
      'LOGIN_CHALLENGE_MISMATCH',
      'The token answers another challenge than the one issued for this login.',
      {
        origin: fields.origin,
      },
    );
  }
  checks.push({ name: 'challenge', ok: true });
  if (time.getTime() > Date.parse(challenge.expiresAt)) {
    return fail(
      'expiry',
      'LOGIN_CHALLENGE_EXPIRED',
      `The challenge expired at ${challenge.expiresAt}: start the login again.`,
      {
        origin: fields.origin,
      },
    );
  }
  checks.push({ name: 'expiry', ok: true, detail: `until ${challenge.expiresAt}` });

  let signatureOk = false;
  try {
    signatureOk = await verifySignerSignature(
      certificate,
      fields.hash,
      fields.signature,
      loginMessage(fields.origin, fields.nonce),
    );
  } catch (error) {
    if (!isShomeiError(error)) throw error;
  }
  if (!signatureOk) {
    return fail(
      'signature',
      'LOGIN_SIGNATURE_INVALID',
      'The token signature does not verify with its certificate.',
      {
        origin: fields.origin,
      },
    );
  }
  checks.push({ name: 'signature', ok: true, detail: `RSASSA-PKCS1-v1_5 ${fields.hash}` });
  const account = await accountOf(certificate);

  const usage = authenticationUsage(certificate);
  if (usage) return fail('keyUsage', 'LOGIN_KEY_USAGE', usage, { origin: fields.origin, account });
  checks.push({ name: 'keyUsage', ok: true, detail: 'digitalSignature' });

  const result = await validator(certificate, { ...pathOptions, time });
  const outcome = chainChecks(result);
  let verdict: Verdict = 'valid';
  let code: string | undefined;
  let message: string | undefined;
  for (const { check, severity } of outcome.checks) {
    checks.push({
      name: check.name as 'chain' | 'revocation',
      ok: check.ok,
      ...(check.code ? { code: check.code } : {}),
      ...(check.detail ? { detail: check.detail } : {}),
    });
    if (!check.ok && rank(severity) > rank(verdict)) {
      verdict = severity;
      code = check.code;
      message = check.detail;
    }
  }
  if (verdict === 'valid' && !result.valid) {
    verdict = result.verdict;
    code = result.code;
    message = result.message;
  }
  return {
    verdict,
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
    origin: fields.origin,
    account,
    chain: outcome.chain,
    checks,
  };
}

const rank = (v: Verdict): number => (v === 'valid' ? 0 : v === 'indeterminate' ? 1 : 2);

/**
 * A login needs the user-authentication key: keyUsage (when present) must allow digitalSignature
 * (RFC 5280 §4.2.1.3), and a certificate under the JPKI signing policy (spec §11) is refused — its
 * key is for documents, and it carries the holder's name and address.
 */
function authenticationUsage(cert: Certificate): string | undefined {
  if (cert.keyUsage && !cert.keyUsage.digitalSignature) {
    return 'The certificate’s keyUsage does not allow digitalSignature: it is not an authentication certificate.';
  }
  if (cert.certificatePolicies?.some((p) => p.policyId === JPKI_POLICY_OID.sign)) {
    return 'This is a JPKI signing certificate; logging in needs the user-authentication certificate.';
  }
  if (cert.basicConstraints?.ca) return 'The certificate is a CA certificate, not a holder’s certificate.';
  return undefined;
}

async function accountOf(cert: Certificate): Promise<LoginAccount> {
  const key = new Uint8Array(cert.issuer.der.length + cert.serial.length);
  key.set(cert.issuer.der);
  key.set(cert.serial, cert.issuer.der.length);
  return {
    issuer: cert.issuer.text,
    serial: cert.serialHex,
    id: toBase64Url(await digestBytes('SHA-256', key)),
  };
}
