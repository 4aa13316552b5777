/**
 * Runs the demo relying party for a real card: `pnpm start -- --trust <JPKI CA cert>… [--crl <crl>]…
 * [--port 8080]`. The JPKI CA certificates are published by J-LIS; CRLs are fetched when the
 * certificates name a distribution point, else pass them with --crl.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { derObjects } from '@shomei/core';
import { startDemoServer } from './server.js';

const { values } = parseArgs({
  options: {
    trust: { type: 'string', multiple: true },
    crl: { type: 'string', multiple: true },
    port: { type: 'string', default: '8080' },
  },
});
if (!values.trust?.length) {
  process.stderr.write('usage: pnpm start -- --trust <ca.pem|der>… [--crl <file>]… [--port 8080]\n');
  process.exit(2);
}
const read = (file: string) => new Uint8Array(readFileSync(file));
const crls = (values.crl ?? []).map(read);
const server = await startDemoServer({
  port: Number(values.port),
  trustAnchors: values.trust.flatMap((file) => derObjects(read(file), ['CERTIFICATE'])),
  crls: () => crls,
  revocation: { mode: 'prefer', fetch: true },
});
process.stdout.write(`Demo relying party on ${server.url} (Ctrl+C to stop)\n`);
process.once('SIGINT', () => server.close().then(() => process.exit(0)));
