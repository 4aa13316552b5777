// The demo page: calls the page API, sends the results to its server, shows the server's verdict.
import { authenticate, getCertificate, isAvailable, sign } from '/shomei-card.js';

const $ = (id) => document.getElementById(id);
const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw Object.assign(new Error(json.message ?? 'server error'), { code: json.error });
  return json;
}

function show(element, verdict, code, textContent) {
  element.dataset.verdict = verdict;
  element.dataset.code = code ?? '';
  element.textContent = textContent;
}

$('login').addEventListener('click', async () => {
  const out = $('login-result');
  show(out, 'pending', '', 'Waiting for the card…');
  try {
    const { challengeId, nonce } = await post('/api/login/begin', {});
    const { token } = await authenticate({ challenge: nonce });
    const report = await post('/api/login/finish', { challengeId, token });
    show(
      out,
      report.verdict,
      report.code,
      report.verdict === 'valid'
        ? `Logged in as ${report.account.id}`
        : `Refused: ${report.code} — ${report.message}`,
    );
  } catch (error) {
    show(out, 'error', error.code, `${error.code}: ${error.message}`);
  }
});

$('sign').addEventListener('click', async () => {
  const out = $('sign-result');
  show(out, 'pending', '', 'Waiting for the card…');
  try {
    const { certificate, chain } = await getCertificate('sign');
    const start = await post('/api/sign/prepare', {
      application: $('application').value,
      certificate: toBase64(certificate),
      chain: chain.map(toBase64),
    });
    const { signature } = await sign({
      hash: fromBase64(start.hash),
      hashAlgorithm: start.hashAlgorithm,
      description: start.description,
    });
    const { report } = await post('/api/sign/finish', {
      signatureId: start.signatureId,
      signature: toBase64(signature),
    });
    show(
      out,
      report.verdict,
      report.code,
      report.verdict === 'valid'
        ? `Signed by ${report.signer.jpki?.name ?? report.signer.subject}`
        : `Refused: ${report.code}`,
    );
  } catch (error) {
    show(out, 'error', error.code, `${error.code}: ${error.message}`);
  }
});

isAvailable().then((ok) => {
  $('extension').textContent = ok
    ? 'The shomei extension is ready.'
    : 'Install the shomei extension and shomei-host to use your card here.';
});
