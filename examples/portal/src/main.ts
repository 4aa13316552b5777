/**
 * Starts the portal: `SHOMEI_PORTAL_CONFIG=portal.json pnpm --filter @shomei/example-portal start`.
 */
import { loadConfig } from './config.js';
import { createPortalServer } from './server.js';

const config = loadConfig();
const server = createPortalServer(config);
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(
    `portal listening on http://${config.host}:${port}/ (${config.trustAnchors.length} trust anchor(s))`,
  );
});

// Finish the requests in flight, then exit (Ctrl-C, or a service manager stopping the portal).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
