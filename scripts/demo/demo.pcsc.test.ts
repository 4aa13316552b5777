/**
 * `pnpm demo --pcsc` through the real stack (VirtualJpkiCard → VpcdBridge → vpcd → pcscd →
 * PcscTransport). Runs inside scripts/with-pcsc.sh:
 *   scripts/with-pcsc.sh npx vitest run --config vitest.pcsc.config.ts scripts/demo
 */
import { describe, expect, it } from 'vitest';
import { runDemoProcess } from './demo-process.js';

describe.runIf(process.env.SHOMEI_PCSC === '1')('pnpm demo --pcsc', () => {
  it('runs every step through the vpcd reader and exits 0', async () => {
    const r = await runDemoProcess(['--pcsc']);
    expect([
      r.code,
      r.stdout.includes('reader           PC/SC reader "Virtual PCD 00 00" (pcscd + vpcd)'),
      r.stdout.includes('verdict          valid'),
      r.stdout.includes('verdict          invalid (CERT_REVOKED)'),
      r.stdout.trimEnd().endsWith('✓ every step turned out as expected'),
    ]).toEqual([0, true, true, true, true]);
  }, 120_000);
});
