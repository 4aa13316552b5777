/**
 * The demo's story, one function per step: a card issued at the counter, an application signed
 * through the card driver, verified with the chain and live revocation, the card reported lost,
 * verified again. Every step states what it expects; `runDemo` returns whether all of them held.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatBirthDate,
  RevocationFetchCache,
  signCms,
  type ValidationReport,
  verifyCms,
} from '@shomei/core';
import {
  Authority,
  type AuthorityServer,
  type CardPins,
  type HolderProfile,
  type IssuedCard,
  OperatorCard,
  type OperatorSession,
} from '@shomei/simulator';
import { type CardLink, checkPcsc, memoryLink, PcscNotAvailable, pcscLink } from './card-link.js';
import { DemoOutput } from './output.js';

/** A sample resident. The My Number passes the check digit; the facts are fiction. */
export const SAMPLE_HOLDER: HolderProfile = {
  name: '見本　花子',
  address: '東京都千代田区霞が関二丁目一番二号',
  birthDate: '1985-04-12',
  sex: 'female',
  myNumber: '123456789018',
};

/** What the sample resident types at the counter and at the reader. Never printed. */
const SAMPLE_PINS: CardPins = { sign: 'MIHON2024', auth: '1234', assist: '5678' };
const OPERATOR_PIN = '2468';

const APPLICATION = [
  '住民票の写しの交付請求書',
  '請求者: 見本　花子',
  '必要な通数: 1通',
  '使用目的: 銀行口座の開設',
].join('\n');

export interface DemoOptions {
  /** Run the card through pcscd's vpcd reader instead of in memory. */
  pcsc?: boolean;
  write?: (line: string) => void;
}

interface Stage {
  out: DemoOutput;
  authority: Authority;
  server: AuthorityServer;
  session: OperatorSession;
}

/** Runs the whole story; resolves to true when every step turned out as expected. */
export async function runDemo(options: DemoOptions = {}): Promise<boolean> {
  const out = new DemoOutput(options.write ?? ((line) => process.stdout.write(`${line}\n`)));
  out.line('shomei demo: issue a card, sign with it, verify, report it lost, verify again');
  if (options.pcsc) {
    try {
      await checkPcsc();
    } catch (error) {
      if (!(error instanceof PcscNotAvailable)) throw error;
      out.line('');
      out.line(`✗ ${error.message}`);
      return false;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'shomei-demo-'));
  let server: AuthorityServer | undefined;
  let link: CardLink | undefined;
  try {
    const authority = await Authority.create({ dir: join(dir, 'authority'), label: 'demo' });
    server = await authority.serve({ port: 0 });
    authority.setBaseUrl(server.url);
    out.line(`authority (test CAs, CRLs, OCSP) on ${server.url}, files in a temporary directory`);

    const operator = OperatorCard.create({ name: 'counter 1', pin: OPERATOR_PIN });
    authority.enrolOperator(operator);
    const stage: Stage = { out, authority, server, session: authority.openSession(operator, OPERATOR_PIN) };

    const issued = await issueCard(stage);
    link = options.pcsc ? await pcscLink(issued.card) : memoryLink(issued.card);
    const p7s = await signApplication(stage, link);
    await verifyLive(stage, p7s, 'valid');
    reportLost(stage, issued);
    await verifyLive(stage, p7s, 'revoked');
    await verifyWithCrl(stage, p7s);
  } catch (error) {
    out.fail('the demo stopped', error);
  } finally {
    await link?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  out.line('');
  if (out.failures.length === 0) out.line('✓ every step turned out as expected');
  else out.line(`✗ ${out.failures.length} step(s) did not turn out as expected: ${out.failures.join('; ')}`);
  return out.failures.length === 0;
}

async function issueCard({ out, authority, session }: Stage): Promise<IssuedCard> {
  out.step('Issue a card at the counter');
  out.fact('operator', `${session.operatorName} (operator card and PIN, session opened)`);
  const issued = await authority.issue(session, { holder: SAMPLE_HOLDER, pins: SAMPLE_PINS });
  out.fact('holder', SAMPLE_HOLDER.name);
  out.fact('signing cert', `serial ${issued.serials.sign}`);
  out.fact('auth cert', `serial ${issued.serials.auth}`);
  out.expect(
    'keys generated inside the card, certificates written to it',
    issued.card.certificate('sign').length > 0,
  );
  return issued;
}

async function signApplication({ out }: Stage, link: CardLink): Promise<Uint8Array> {
  out.step('Sign the application with the card');
  out.fact('reader', link.description);
  await using card = await link.open();
  const info = await card.info();
  const tries = (await card.pinStatus()).sign.remainingAttempts;
  out.fact('card', `${info.kind}, signature PIN: ${tries ?? '?'} tries left`);
  const document = new TextEncoder().encode(APPLICATION);
  out.fact('document', `住民票の写しの交付請求書 (${document.length} bytes)`);
  // The PIN goes to the card once (VERIFY) and is not kept; it is never printed.
  const signer = await card.toSigner('sign', { pin: SAMPLE_PINS.sign });
  out.fact('PIN', 'entered by the holder (not shown)');
  const p7s = await signCms(document, signer);
  out.fact('signature', `CMS SignedData with the document attached, ${p7s.length} bytes`);
  out.expect('the card signed', p7s.length > 0);
  return p7s;
}

async function verifyLive({ out, authority }: Stage, p7s: Uint8Array, expected: 'valid' | 'revoked') {
  out.step(expected === 'valid' ? 'Verify: chain and live OCSP' : 'Verify again: live OCSP');
  // A relying party asking now, with a cache of its own: fetched answers are not shared with any
  // other verification (a kept OCSP answer would still say "good" until its nextUpdate).
  const report = await verifyCms(p7s, {
    trustAnchors: authority.trustAnchors,
    revocation: { mode: 'require', fetch: true, fetchCache: new RevocationFetchCache() },
  });
  printVerdict(out, report);
  const leaf = report.chain[0]?.revocation;
  if (expected === 'valid') {
    const jpki = report.signer.jpki;
    if (jpki) {
      out.fact('name', jpki.name);
      out.fact('address', jpki.address);
      out.fact('date of birth', formatBirthDate(jpki.birthDate));
      out.fact('sex', readableSex(jpki.sex));
    }
    if (report.signingTime) out.fact('signing time', report.signingTime);
    printChain(out, report);
    out.expect(
      'valid, with the holder’s four facts, status good from OCSP',
      report.verdict === 'valid' &&
        jpki?.name === SAMPLE_HOLDER.name &&
        leaf?.status === 'good' &&
        leaf.source === 'ocsp',
      `${report.verdict} ${report.code ?? ''} ${leaf?.status}/${leaf?.source}`.trim(),
    );
  } else {
    out.expect(
      'invalid: CERT_REVOKED (keyCompromise) from OCSP',
      report.verdict === 'invalid' &&
        report.code === 'CERT_REVOKED' &&
        leaf?.reason === 'keyCompromise' &&
        leaf.source === 'ocsp',
      `${report.verdict} ${report.code ?? ''} ${leaf?.status}/${leaf?.source}`.trim(),
    );
  }
}

function reportLost({ out, authority, session }: Stage, issued: IssuedCard): void {
  out.step('The holder reports the card lost');
  const serials = authority.revoke(session, issued.card, 'keyCompromise');
  out.fact('revoked', `${serials.join(', ')} (keyCompromise)`);
  out.fact('published', 'new CRLs; the OCSP responder answers revoked from now on');
  out.expect('both certificates revoked', serials.length === 2, String(serials.length));
}

async function verifyWithCrl({ out, server, authority }: Stage, p7s: Uint8Array): Promise<void> {
  out.step('Verify again: the published CRL');
  const crls = await Promise.all(
    ['sign.crl', 'sign-delta.crl'].map(async (name) => {
      const response = await fetch(`${server.url}/crl/${name}`);
      return new Uint8Array(await response.arrayBuffer());
    }),
  );
  out.fact(
    'CRLs',
    `${server.url}/crl/sign.crl and its delta (${crls[0]!.length} + ${crls[1]!.length} bytes)`,
  );
  const report = await verifyCms(p7s, {
    trustAnchors: authority.trustAnchors,
    crls,
    revocation: { mode: 'require', order: ['crl'] },
  });
  printVerdict(out, report);
  const leaf = report.chain[0]?.revocation;
  out.expect(
    'invalid: CERT_REVOKED from the CRL',
    report.code === 'CERT_REVOKED' && leaf?.source === 'crl',
    `${report.verdict} ${report.code ?? ''} ${leaf?.status}/${leaf?.source}`.trim(),
  );
}

function printVerdict(out: DemoOutput, report: ValidationReport): void {
  const leaf = report.chain[0]?.revocation;
  out.fact('verdict', report.code ? `${report.verdict} (${report.code})` : report.verdict);
  if (leaf) {
    const source =
      leaf.source === 'ocsp'
        ? 'OCSP responder (from the AIA)'
        : leaf.source === 'crl'
          ? 'CRL'
          : 'not checked';
    const reason = leaf.reason ? `, ${leaf.reason}` : '';
    const at = leaf.revokedAt ? ` since ${leaf.revokedAt}` : '';
    out.fact('revocation', `${leaf.status}${reason}${at} — ${source}`);
  }
}

/** The certificate's `EYYYYMMDD` (era digit + Gregorian date, spec §11 [U]) as encoded, then read. */
/** The sex code (1 male, 2 female, 9 not applicable; spec/jpki-card.md §10 EF 00 02, §11). */
function readableSex(code: string): string {
  const name = { '1': 'male', '2': 'female', '9': 'not applicable' }[code];
  return name ? `${name} (code ${code})` : code;
}

function printChain(out: DemoOutput, report: ValidationReport): void {
  report.chain.forEach((element, i) => {
    out.fact(i === 0 ? 'chain' : '', `${element.serial}  ${element.subject}`);
  });
}
