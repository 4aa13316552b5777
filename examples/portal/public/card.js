// The portal's card page: the page API (shomei-card.js, from the extension example) for the card, the
// portal's /api/card routes for the server's half, /api/applications/:id for the worker's verdict.
import { authenticate, getCertificate, isAvailable, sign } from '/card/shomei-card.js';

const $ = (id) => document.getElementById(id);
const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await response.json();
  if (!response.ok) {
    throw Object.assign(new Error(json.error?.message ?? 'server error'), {
      code: json.error?.code ?? 'SERVER',
    });
  }
  return json;
}

function show(element, verdict, code, text) {
  element.dataset.verdict = verdict;
  element.dataset.code = code ?? '';
  element.textContent = text;
}

$('login').addEventListener('click', async () => {
  const out = $('login-result');
  show(out, 'pending', '', 'カードを確認しています… / Waiting for the card…');
  try {
    const { challengeId, nonce } = await call('POST', '/api/card/login/begin', {});
    const { token } = await authenticate({ challenge: nonce });
    const report = await call('POST', '/api/card/login/finish', { challengeId, token });
    show(
      out,
      report.verdict,
      report.code,
      report.verdict === 'valid'
        ? `ログインしました / Logged in (account ${report.account.id})`
        : `ログインできません / Refused: ${report.code} — ${report.message ?? ''}`,
    );
  } catch (error) {
    show(out, 'error', error.code, `${error.code}: ${error.message}`);
  }
});

// The signing certificate is readable only after the signature password: read it once per page and
// reuse it; the server refuses a signature whose card returns another one.
let signing;

async function waitForVerdict(statusUrl) {
  for (let i = 0; i < 120; i++) {
    const status = await call('GET', statusUrl);
    if (status.status !== 'pending') return status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { status: 'pending' };
}

$('application').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('sign-result');
  show(out, 'pending', '', 'カードを確認しています… / Waiting for the card…');
  try {
    signing ??= await getCertificate('sign');
    const start = await call('POST', '/api/card/sign/prepare', {
      format: $('format').value,
      copies: Number($('copies').value),
      purpose: $('purpose').value,
      note: $('note').value,
      certificate: toBase64(signing.certificate),
      chain: signing.chain.map(toBase64),
    });
    const { signature, certificate } = await sign({
      hash: fromBase64(start.hash),
      hashAlgorithm: start.hashAlgorithm,
      description: start.description,
    });
    const submitted = await call('POST', '/api/card/sign/finish', {
      signatureId: start.signatureId,
      signature: toBase64(signature),
      certificate: toBase64(certificate),
    });
    const link = $('application-link');
    link.href = submitted.pageUrl;
    link.hidden = false;
    show(out, 'pending', '', `提出しました / Submitted (${submitted.id}); verifying…`);
    const done = await waitForVerdict(submitted.statusUrl);
    const report = done.report ?? {};
    const signer = report.signer ?? report.signatures?.[0]?.signer;
    show(
      out,
      done.status,
      report.code,
      done.status === 'valid'
        ? `受け付けました / Accepted: signed by ${signer?.jpki?.name ?? signer?.subject ?? ''}`
        : `${done.status}: ${report.code ?? ''} ${report.message ?? ''}`,
    );
    out.dataset.application = submitted.id;
  } catch (error) {
    if (error.code === 'EXTERNAL_CERTIFICATE_MISMATCH') signing = undefined;
    show(out, 'error', error.code, `${error.code}: ${error.message}`);
  }
});

isAvailable().then((ok) => {
  $('extension').dataset.ready = ok ? 'yes' : 'no';
  $('extension').textContent = ok
    ? 'shomei 拡張機能の準備ができました / The shomei extension is ready.'
    : 'shomei 拡張機能と shomei-host をインストールしてください / Install the shomei extension and shomei-host to use your card here.';
});
