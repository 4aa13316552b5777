/**
 * The relying party's side of "log in with your card" and "sign in the browser", as reusable
 * functions over @shomei/core: a server (the demo here, a portal elsewhere) keeps one of these and
 * maps its routes onto it. Challenges and prepared signatures live in memory, bounded in number and
 * time, and each is used at most once.
 */
import {
  createLoginChallenge,
  finishExternalCms,
  fromBase64,
  type LoginChallenge,
  type LoginReport,
  type PreparedCmsSignature,
  prepareExternalCms,
  type RevocationMode,
  type RevocationOptions,
  toBase64,
  type ValidationReport,
  verifyCms,
  verifyLogin,
} from '@shomei/core';

export interface RelyingPartyOptions {
  /** This site's origin as the browser shows it, e.g. https://portal.example.jp. */
  origin: string;
  /** JPKI CA certificates (authentication and signature CAs). */
  trustAnchors: readonly Uint8Array[];
  intermediates?: readonly Uint8Array[];
  revocation?: RevocationMode | RevocationOptions;
  /** CRLs to use besides any fetched ones (called per verification, so they can be refreshed). */
  crls?: () => readonly Uint8Array[];
  /** Login challenge lifetime. Default 5 minutes. */
  challengeTtlMs?: number;
  /** Most pending challenges / prepared signatures kept (oldest dropped first). Default 10 000. */
  maxPending?: number;
}

export interface LoginStart {
  challengeId: string;
  nonce: string;
  expiresAt: string;
}

export interface SignatureStart {
  signatureId: string;
  /** base64 digest for the page's `sign({ hash })`. */
  hash: string;
  hashAlgorithm: 'SHA-256';
  /** What the PIN window shows next to the hash. */
  description: string;
}

export interface SignatureResult {
  report: ValidationReport;
  /** DER CMS SignedData (attached), base64. */
  p7s: string;
}

interface PendingSignature {
  content: Uint8Array;
  prepared: PreparedCmsSignature;
  expires: number;
}

const MAX_DESCRIPTION = 500;

/** Bounded map: insertion-ordered, the oldest entry goes first when full. */
class Pending<T> {
  readonly #items = new Map<string, T>();
  constructor(readonly max: number) {}
  add(value: T): string {
    const id = toBase64(crypto.getRandomValues(new Uint8Array(18)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    if (this.#items.size >= this.max) this.#items.delete(this.#items.keys().next().value as string);
    this.#items.set(id, value);
    return id;
  }
  /** Removes and returns the entry: an id is good for one use. */
  take(id: string): T | undefined {
    const value = this.#items.get(id);
    this.#items.delete(id);
    return value;
  }
}

export class CardRelyingParty {
  readonly #options: RelyingPartyOptions;
  readonly #challenges: Pending<LoginChallenge>;
  readonly #signatures: Pending<PendingSignature>;

  constructor(options: RelyingPartyOptions) {
    this.#options = options;
    this.#challenges = new Pending(options.maxPending ?? 10_000);
    this.#signatures = new Pending(options.maxPending ?? 10_000);
  }

  get origin(): string {
    return this.#options.origin;
  }

  #pathOptions() {
    const o = this.#options;
    return {
      trustAnchors: o.trustAnchors,
      ...(o.intermediates ? { intermediates: o.intermediates } : {}),
      ...(o.revocation ? { revocation: o.revocation } : {}),
      ...(o.crls ? { crls: o.crls() } : {}),
    };
  }

  /** Step 1 of a login: a fresh challenge for the page's `authenticate({ challenge: nonce })`. */
  beginLogin(): LoginStart {
    const challenge = createLoginChallenge(
      this.#options.challengeTtlMs !== undefined ? { ttlMs: this.#options.challengeTtlMs } : {},
    );
    return {
      challengeId: this.#challenges.add(challenge),
      nonce: challenge.nonce,
      expiresAt: challenge.expiresAt,
    };
  }

  /** Step 2: the token from the page. The challenge is consumed whatever the verdict (no replay). */
  async finishLogin(challengeId: string, token: string): Promise<LoginReport> {
    const challenge = typeof challengeId === 'string' ? this.#challenges.take(challengeId) : undefined;
    if (!challenge) {
      return {
        verdict: 'invalid',
        code: 'LOGIN_CHALLENGE_MISMATCH',
        message: 'No open login for this challenge (already used, expired or never issued): start again.',
        chain: [],
        checks: [{ name: 'challenge', ok: false, code: 'LOGIN_CHALLENGE_MISMATCH' }],
      };
    }
    return verifyLogin(token, { challenge, origin: this.#options.origin, ...this.#pathOptions() });
  }

  /**
   * Step 1 of a signature: the page sent the signing certificate (from `getCertificate('sign')`);
   * the server prepares CAdES-BES signed attributes over the document and returns their digest.
   */
  async prepareSignature(
    document: Uint8Array,
    description: string,
    certificate: Uint8Array,
    chain: readonly Uint8Array[] = [],
  ): Promise<SignatureStart> {
    const text = description.trim().slice(0, MAX_DESCRIPTION);
    const prepared = await prepareExternalCms(document, { certificate, chain });
    const signatureId = this.#signatures.add({
      content: document,
      prepared,
      expires: Date.now() + 10 * 60_000,
    });
    return { signatureId, hash: prepared.digest, hashAlgorithm: 'SHA-256', description: text };
  }

  /** Step 2: the card's signature; returns the SignedData and its verification report. */
  async finishSignature(signatureId: string, signature: Uint8Array): Promise<SignatureResult> {
    const pending = typeof signatureId === 'string' ? this.#signatures.take(signatureId) : undefined;
    if (!pending || pending.expires < Date.now()) {
      throw Object.assign(new Error('No prepared signature with this id (used or expired): prepare again.'), {
        code: 'INPUT_INVALID',
      });
    }
    const p7s = await finishExternalCms(pending.content, pending.prepared, signature);
    const report = await verifyCms(p7s, this.#pathOptions());
    return { report, p7s: toBase64(p7s) };
  }
}

export { fromBase64 };
