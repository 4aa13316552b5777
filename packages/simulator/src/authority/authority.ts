/**
 * `Authority`: a JPKI-shaped issuing authority for tests and demos (design.md §2).
 *
 * Two self-signed CAs like the J-LIS ones (spec/jpki-card.md §11), optionally under a common root;
 * counter issuance into a `VirtualJpkiCard` whose keys are generated inside the card; revocation,
 * hold and release with complete and delta CRLs; an OCSP responder and an RFC 3161 time-stamping
 * unit. Every issuance and status change needs an operator session opened with an operator card and
 * its PIN, and is appended to a hash-chained audit log.
 */
import { randomBytes, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64, JPKI_CERTIFICATE_PROFILE, toBase64, toHex } from '@shomei/core';
import type { CertificateIssuer, CertificateRequest, IssuedCertificate } from '../card/issuer.js';
import { type CreateCardOptions, VirtualJpkiCard } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';
import { type CaId, type KeyHolder, loadKeyHolder, randomSerial, saveKeyHolder } from '../issuing/ca-key.js';
import { buildEndEntityCertificate, caName, rootName } from '../issuing/certificate-profile.js';
import {
  certifyServices,
  createHierarchy,
  DEFAULT_BASE_URL,
  endEntityUrls,
  YEAR_MS,
} from '../issuing/hierarchy.js';
import type { AuditAction, AuditVerification } from './audit-log.js';
import { AuditTrail } from './audit-trail.js';
import {
  AUTHORITY_FORMAT,
  type AuthorityState,
  type CertificateRecord,
  type IssuingCa,
  readState,
  stateExists,
  stateMtime,
  writeState,
} from './authority-state.js';
import { serialOf, validityOf } from './certificate-serial.js';
import { buildCrl, type CrlReason, isCrlReason, syntheticRevokedList } from './crl.js';
import { crlContents } from './crl-contents.js';
import { answerOcsp } from './ocsp-responder.js';
import type { OperatorCard } from './operator-card.js';
import { AuthorityServer, type AuthorityServerOptions } from './server.js';
import { timestampResponse } from './tsa.js';

export interface AuthorityOptions {
  /** Where the authority is persisted. Absent: in memory only. */
  dir?: string;
  /** Appended to the CA names, so that several test authorities have distinct DNs. */
  label?: string;
  /** Put a common root above the two CAs, for portals that pin one anchor. Default false (like J-LIS). */
  root?: boolean;
  /** Base of the CRL DP, AIA/OCSP and TSA URLs written into certificates. Default http://127.0.0.1:8370. */
  baseUrl?: string;
  /** Certificate policies; the signing default is 1.2.392.200149.8.5.1.1.20 (spec §11). */
  policies?: { sign?: string; auth?: string };
  validity?: { signYears?: number; authYears?: number; crlHours?: number; ocspMinutes?: number };
  /** Clock override for tests. */
  clock?: () => Date;
}

/** Proof that an operator presented an enrolled operator card with its PIN. Opaque to callers. */
export interface OperatorSession {
  readonly operatorId: string;
  readonly operatorName: string;
}

export interface IssueRequest extends Omit<CreateCardOptions, 'issuer'> {
  /** The card's expiry; the authentication certificate is valid until then (default: authYears). */
  cardExpiry?: Date;
}

export interface IssuedCard {
  card: VirtualJpkiCard;
  holderRef: string;
  serials: { sign: string; auth: string };
}

/** A card, a certificate (DER) or a serial in hex. */
export type RevocationTarget = VirtualJpkiCard | Uint8Array | string;

export { DEFAULT_BASE_URL };

export class Authority {
  readonly #dir: string | undefined;
  readonly #state: AuthorityState;
  readonly #clock: () => Date;
  readonly #cas: Map<CaId, KeyHolder>;
  readonly #crls = new Map<string, Uint8Array>();
  readonly #sessions = new WeakSet<OperatorSession>();
  readonly #auditTrail: AuditTrail;
  #stateMtime = '';

  private constructor(
    dir: string | undefined,
    state: AuthorityState,
    cas: Map<CaId, KeyHolder>,
    clock?: () => Date,
  ) {
    this.#dir = dir;
    this.#state = state;
    this.#cas = cas;
    this.#auditTrail = new AuditTrail(dir, state);
    this.#clock = clock ?? (() => new Date());
  }

  /** Creates a new hierarchy (four RSA-2048 keys: two CAs, the TSA and, optionally, the root). */
  static async create(options: AuthorityOptions = {}): Promise<Authority> {
    const dir = options.dir;
    if (dir && stateExists(dir)) throw simulatorError('AUTHORITY_EXISTS', undefined, { details: { dir } });
    const clock = options.clock ?? (() => new Date());
    const now = clock();
    const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const cas = await createHierarchy({
      now,
      root: Boolean(options.root),
      baseUrl,
      ...(options.label !== undefined && { label: options.label }),
    });
    const state: AuthorityState = {
      format: AUTHORITY_FORMAT,
      ...(options.label !== undefined && { label: options.label }),
      root: cas.has('root'),
      baseUrl,
      policies: {
        sign: options.policies?.sign ?? JPKI_CERTIFICATE_PROFILE.sign.policy,
        auth: options.policies?.auth ?? JPKI_CERTIFICATE_PROFILE.auth.policy,
      },
      validity: {
        signYears: options.validity?.signYears ?? 5,
        authYears: options.validity?.authYears ?? 10,
        crlHours: options.validity?.crlHours ?? 24,
        ocspMinutes: options.validity?.ocspMinutes ?? 10,
      },
      crl: {},
      certificates: {},
      operators: {},
      audit: { count: 0, head: '0'.repeat(64) },
    };
    const authority = new Authority(dir, state, cas, clock);
    authority.#record(cas.get('tsa')!.certificate, 'sign', 'tsa');
    if (dir) {
      mkdirSync(dir, { recursive: true });
      for (const ca of cas.values()) saveKeyHolder(dir, ca);
    }
    authority.publishCrls({ base: true });
    return authority;
  }

  /** Opens a persisted authority. */
  static open(dir: string, options: { clock?: () => Date } = {}): Authority {
    const state = readState(dir);
    const cas = new Map<CaId, KeyHolder>();
    try {
      if (state.root) cas.set('root', loadKeyHolder(dir, 'root', rootName(state.label)));
      cas.set(
        'sign',
        loadKeyHolder(dir, 'sign', (spki) => caName('sign', state.label, spki)),
      );
      cas.set(
        'auth',
        loadKeyHolder(dir, 'auth', (spki) => caName('auth', state.label, spki)),
      );
      cas.set('tsa', loadKeyHolder(dir, 'tsa', []));
    } catch (cause) {
      throw simulatorError('AUTHORITY_STATE_INVALID', undefined, { cause, details: { dir } });
    }
    const authority = new Authority(dir, state, cas, options.clock);
    authority.#loadCrls();
    authority.#stateMtime = stateMtime(dir);
    if (authority.#crls.size === 0) authority.publishCrls();
    return authority;
  }

  static async openOrCreate(options: AuthorityOptions & { dir: string }): Promise<Authority> {
    return stateExists(options.dir)
      ? Authority.open(options.dir, options.clock ? { clock: options.clock } : {})
      : Authority.create(options);
  }

  get dir(): string | undefined {
    return this.#dir;
  }

  get baseUrl(): string {
    return this.#state.baseUrl;
  }

  /** Changes the URLs written into certificates issued from now on (e.g. after binding port 0). */
  setBaseUrl(url: string): void {
    this.refresh();
    this.#state.baseUrl = url.replace(/\/+$/, '');
    // Certificates of our own services name these URLs too: re-certify them (same keys).
    certifyServices(this.#cas, { now: this.now(), baseUrl: this.#state.baseUrl });
    this.#record(this.#cas.get('tsa')!.certificate, 'sign', 'tsa');
    if (this.#dir) for (const ca of this.#cas.values()) saveKeyHolder(this.#dir, ca);
    this.#save();
  }

  now(): Date {
    return this.#clock();
  }

  /** The trust anchors a verifier should pin: the root, or the two self-signed CAs. */
  get trustAnchors(): Uint8Array[] {
    return this.#state.root
      ? [this.caCertificate('root')]
      : [this.caCertificate('sign'), this.caCertificate('auth')];
  }

  /** `sign`/`auth` CA certificate, the root's (when present) or the time-stamping unit's. */
  caCertificate(id: CaId): Uint8Array {
    const ca = this.#cas.get(id);
    if (!ca) throw simulatorError('USAGE', `This authority has no ${id} certificate.`);
    return ca.certificate.slice();
  }

  /** The record of a certificate this authority issued, by serial (hex) or certificate. */
  certificateStatus(target: Uint8Array | string): CertificateRecord | undefined {
    const r = this.#state.certificates[serialOf(target)];
    return r ? structuredClone(r) : undefined;
  }

  // --- operators ------------------------------------------------------------------------------

  /**
   * Enrols an operator card. The very first operator is enrolled without a session (the authority's
   * bootstrap, done by whoever created it); every later one needs an existing operator's session.
   */
  enrolOperator(card: OperatorCard, session?: OperatorSession): void {
    this.refresh();
    const first = Object.keys(this.#state.operators).length === 0;
    if (!first) this.#requireSession(session);
    this.#state.operators[card.operatorId] = {
      name: card.name,
      publicKey: toBase64(card.publicKey),
      enrolledAt: this.now().toISOString(),
    };
    this.#auditTrail.append(this.now(), session?.operatorId ?? card.operatorId, 'enrol-operator', {});
    this.#save();
  }

  /** How many operator cards are enrolled (0 before the bootstrap operator). */
  get operatorCount(): number {
    return Object.keys(this.#state.operators).length;
  }

  /** Opens a session: the operator card checks its PIN and signs a fresh challenge (one attempt). */
  openSession(card: OperatorCard, pin: string): OperatorSession {
    this.refresh();
    const enrolled = this.#state.operators[card.operatorId];
    if (!enrolled || enrolled.publicKey !== toBase64(card.publicKey)) {
      throw simulatorError('OPERATOR_UNKNOWN', undefined, { details: { operatorId: card.operatorId } });
    }
    const challenge = new Uint8Array(randomBytes(32));
    let signature: Uint8Array;
    try {
      signature = card.authenticate(pin, challenge);
    } catch (e) {
      this.#auditTrail.append(this.now(), card.operatorId, 'session-refused', {});
      this.#save();
      throw e;
    }
    const key = {
      key: Buffer.from(fromBase64(enrolled.publicKey)),
      format: 'der' as const,
      type: 'spki' as const,
    };
    if (!verify(null, challenge, key, signature)) throw simulatorError('OPERATOR_UNKNOWN');
    const session: OperatorSession = Object.freeze({
      operatorId: card.operatorId,
      operatorName: enrolled.name,
    });
    this.#sessions.add(session);
    this.#auditTrail.append(this.now(), card.operatorId, 'session-open', {});
    this.#save();
    return session;
  }

  closeSession(session: OperatorSession): void {
    this.#sessions.delete(session);
  }

  #requireSession(session: OperatorSession | undefined): asserts session is OperatorSession {
    if (!session || !this.#sessions.has(session)) throw simulatorError('OPERATOR_SESSION_REQUIRED');
  }

  // --- issuance -------------------------------------------------------------------------------

  /**
   * Counter issuance: the card generates its two key pairs inside itself, this authority certifies
   * the public keys, and the card stores the certificates, the CA certificates and the PINs.
   */
  async issue(session: OperatorSession, request: IssueRequest): Promise<IssuedCard> {
    this.#requireSession(session);
    const holderRef = `H${toHex(new Uint8Array(randomBytes(8)))}`;
    const serials: Partial<Record<'sign' | 'auth', string>> = {};
    const issuer: CertificateIssuer = {
      issue: async (req: CertificateRequest): Promise<IssuedCertificate> => {
        // Another process may have changed the directory while the card generated its keys.
        this.refresh();
        const certificate = this.#certify(req, holderRef, request.cardExpiry);
        this.#save();
        serials[req.kind] = serialOf(certificate);
        return { certificate, caCertificate: this.caCertificate(req.kind) };
      },
    };
    const { cardExpiry: _expiry, ...cardOptions } = request;
    const card = await VirtualJpkiCard.create({ ...cardOptions, issuer });
    for (const kind of ['sign', 'auth'] as const) {
      this.#auditTrail.append(this.now(), session.operatorId, 'issue', { serial: serials[kind]!, holderRef });
    }
    this.#save();
    return { card, holderRef, serials: { sign: serials.sign!, auth: serials.auth! } };
  }

  #certify(req: CertificateRequest, holderRef: string, cardExpiry: Date | undefined): Uint8Array {
    const ca = this.#cas.get(req.kind)!;
    const now = this.now();
    const v = this.#state.validity;
    const notAfter =
      req.kind === 'sign'
        ? new Date(now.getTime() + v.signYears * YEAR_MS)
        : (cardExpiry ?? new Date(now.getTime() + v.authYears * YEAR_MS));
    let serial = randomSerial();
    while (this.#state.certificates[toHex(serial)]) serial = randomSerial();
    const base = this.#state.baseUrl;
    const cert = buildEndEntityCertificate({
      kind: req.kind,
      serial,
      publicKey: req.publicKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter,
      policy: this.#state.policies[req.kind],
      ...(req.kind === 'sign' && { holder: req.holder }),
      ca,
      ...endEntityUrls(req.kind, base),
    });
    this.#record(cert, req.kind, req.kind, holderRef);
    return cert;
  }

  #record(cert: Uint8Array, ca: IssuingCa, kind: CertificateRecord['kind'], holderRef?: string): void {
    const serial = serialOf(cert);
    const { notBefore, notAfter } = validityOf(cert);
    this.#state.certificates[serial] = {
      serial,
      ca,
      kind,
      ...(holderRef !== undefined && { holderRef }),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      status: 'good',
    };
  }

  // --- revocation -----------------------------------------------------------------------------

  /**
   * Revokes (a loss report: `keyCompromise`; or any RFC 5280 §5.3.1 reason). A card revokes both of
   * its certificates. CRLs are republished and OCSP answers `revoked` from this moment.
   */
  revoke(session: OperatorSession, target: RevocationTarget, reason: CrlReason = 'unspecified'): string[] {
    this.#requireSession(session);
    if (!isCrlReason(reason) || reason === 'removeFromCRL' || reason === 'certificateHold') {
      throw simulatorError('REVOCATION_REASON_INVALID', undefined, { details: { reason } });
    }
    return this.#change(session, target, 'revoke', (r) => {
      if (r.status === 'revoked') return 'already revoked';
      r.status = 'revoked';
      r.reason = reason;
      r.revokedAt = this.now().toISOString();
      return undefined;
    });
  }

  /** Suspends (certificateHold): listed on the CRL, `revoked` in OCSP, reversible by `release`. */
  hold(session: OperatorSession, target: RevocationTarget): string[] {
    this.#requireSession(session);
    return this.#change(session, target, 'hold', (r) => {
      if (r.status !== 'good') return `is ${r.status === 'hold' ? 'already on hold' : 'revoked'}`;
      r.status = 'hold';
      r.reason = 'certificateHold';
      r.revokedAt = this.now().toISOString();
      return undefined;
    });
  }

  /** Ends a hold: the next delta CRL says removeFromCRL (RFC 5280 §5.3.1), OCSP says good again. */
  release(session: OperatorSession, target: RevocationTarget): string[] {
    this.#requireSession(session);
    return this.#change(session, target, 'release', (r) => {
      if (r.status !== 'hold') return 'is not on hold';
      r.status = 'good';
      delete r.reason;
      delete r.revokedAt;
      return undefined;
    });
  }

  #change(
    session: OperatorSession,
    target: RevocationTarget,
    action: AuditAction,
    apply: (r: CertificateRecord) => string | undefined,
  ): string[] {
    this.refresh();
    const serials =
      target instanceof VirtualJpkiCard
        ? [serialOf(target.certificate('sign')), serialOf(target.certificate('auth'))]
        : [serialOf(target)];
    const records = serials.map((s) => {
      const r = this.#state.certificates[s];
      if (!r || r.kind === 'ca')
        throw simulatorError('CERT_NOT_ISSUED_HERE', undefined, { details: { serial: s } });
      return r;
    });
    // Check every record first so a card is changed all-or-nothing.
    for (const r of records) {
      const conflict = apply(structuredClone(r));
      if (conflict) {
        throw simulatorError('REVOCATION_STATE_CONFLICT', `Certificate ${r.serial} ${conflict}.`, {
          details: { serial: r.serial, status: r.status },
        });
      }
    }
    for (const r of records) {
      apply(r);
      this.#auditTrail.append(this.now(), session.operatorId, action, {
        serial: r.serial,
        ...(r.holderRef !== undefined && { holderRef: r.holderRef }),
        ...(action === 'revoke' && r.reason !== undefined && { reason: r.reason }),
      });
    }
    this.publishCrls();
    return serials;
  }

  // --- CRLs -----------------------------------------------------------------------------------

  #issuingCas(): IssuingCa[] {
    return this.#state.root ? ['root', 'sign', 'auth'] : ['sign', 'auth'];
  }

  /**
   * Regenerates every CA's complete and delta CRL under one new CRL number (RFC 5280 §5.2.3: issued
   * together, same number). With `base`, the complete CRL becomes the base of later delta CRLs.
   */
  publishCrls(options: { base?: boolean } = {}): void {
    this.refresh();
    const now = this.now();
    const nextUpdate = new Date(now.getTime() + this.#state.validity.crlHours * 3600_000);
    for (const id of this.#issuingCas()) {
      const ca = this.#cas.get(id)!;
      const seq = this.#state.crl[id] ?? { number: 0, base: 1, baseEntries: {} };
      this.#state.crl[id] = seq;
      const number = seq.number + 1;
      const { complete: full, delta: changes } = crlContents(this.#state.certificates, id, seq, {
        base: Boolean(options.base) || seq.number === 0,
        number,
      });
      const common = {
        issuer: ca.encodedName,
        issuerKey: ca.key,
        issuerKeyId: ca.keyId,
        thisUpdate: now,
        nextUpdate,
        crlNumber: number,
      };
      const complete = buildCrl({
        ...common,
        revoked: full,
        deltaUrl: `${this.#state.baseUrl}/crl/${id}-delta.crl`,
      });
      const delta = buildCrl({ ...common, revoked: changes, baseCrlNumber: seq.base });
      seq.number = number;
      seq.thisUpdate = now.toISOString();
      this.#crls.set(id, complete);
      this.#crls.set(`${id}-delta`, delta);
      if (this.#dir) {
        mkdirSync(join(this.#dir, 'crl'), { recursive: true });
        writeFileSync(join(this.#dir, 'crl', `${id}.crl`), complete);
        writeFileSync(join(this.#dir, 'crl', `${id}-delta.crl`), delta);
      }
    }
    this.#save();
  }

  /** The latest complete (or delta) CRL of a CA, DER. */
  crl(ca: IssuingCa = 'sign', options: { delta?: boolean } = {}): Uint8Array {
    const crl = this.#crls.get(`${ca}${options.delta ? '-delta' : ''}`);
    if (!crl) throw simulatorError('USAGE', `This authority publishes no ${ca} CRL.`);
    return crl.slice();
  }

  /**
   * A complete CRL of `count` synthetic entries signed by this CA (not published, not recorded), for
   * verifier tests at scale; its CRL number is far above the real sequence so it never collides.
   */
  syntheticCrl(count: number, options: { ca?: IssuingCa; revokedAt?: Date } = {}): Uint8Array {
    const ca = this.#cas.get(options.ca ?? 'sign')!;
    const now = this.now();
    return buildCrl({
      issuer: ca.encodedName,
      issuerKey: ca.key,
      issuerKeyId: ca.keyId,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + this.#state.validity.crlHours * 3600_000),
      crlNumber: 1_000_000_000 + (this.#state.crl[ca.id as IssuingCa]?.number ?? 0),
      revoked: syntheticRevokedList(count, { revokedAt: options.revokedAt ?? now }),
    });
  }

  // --- OCSP and time stamps --------------------------------------------------------------------

  /**
   * Answers an OCSPRequest (RFC 6960). Never throws: a malformed request gets `malformedRequest`,
   * one naming a CA that is not ours `unauthorized` (§2.3), an unknown serial under our CA `unknown`.
   */
  respondOcsp(der: Uint8Array): Uint8Array {
    return answerOcsp(der, {
      cas: this.#issuingCas().map((id) => this.#cas.get(id)!),
      lookup: (serial) => this.#state.certificates[serial],
      now: this.now(),
      validityMinutes: this.#state.validity.ocspMinutes,
    });
  }

  /** Starts the HTTP services (CRLs, OCSP, TSA) on loopback; see AuthorityServerOptions. */
  serve(options: AuthorityServerOptions = {}): Promise<AuthorityServer> {
    return AuthorityServer.start(this, options);
  }

  /** design.md §4 name for `serve`. */
  ocspServer(options: AuthorityServerOptions = {}): Promise<AuthorityServer> {
    return this.serve(options);
  }

  /** Answers a TimeStampReq (RFC 3161 §2.4); never throws (a bad request gets a `rejection`). */
  respondTimestamp(der: Uint8Array): Uint8Array {
    const tsa = this.#cas.get('tsa')!;
    return timestampResponse(der, {
      tsa,
      caCertificate: this.caCertificate('sign'),
      time: this.now(),
      serial: randomSerial(),
    });
  }

  // --- audit ----------------------------------------------------------------------------------

  /** The audit log text (JSON lines). */
  auditLog(): string {
    return this.#auditTrail.text();
  }

  verifyAudit(): AuditVerification {
    return this.#auditTrail.verify();
  }

  /**
   * Re-reads the directory when another process (e.g. `shomei-sim revoke`) changed it, so a running
   * server answers from the latest state and a change here never overwrites one made there. Called
   * before every change; concurrent writers are still not locked against each other (test tool).
   */
  refresh(): boolean {
    if (!this.#dir) return false;
    const mtime = stateMtime(this.#dir);
    if (mtime === this.#stateMtime) return false;
    Object.assign(this.#state, readState(this.#dir));
    this.#loadCrls();
    this.#stateMtime = mtime;
    return true;
  }

  #loadCrls(): void {
    for (const ca of this.#issuingCas()) {
      for (const suffix of ['', '-delta']) {
        const file = join(this.#dir!, 'crl', `${ca}${suffix}.crl`);
        if (existsSync(file)) this.#crls.set(`${ca}${suffix}`, new Uint8Array(readFileSync(file)));
      }
    }
  }

  #save(): void {
    if (!this.#dir) return;
    writeState(this.#dir, this.#state);
    this.#stateMtime = stateMtime(this.#dir);
  }
}
