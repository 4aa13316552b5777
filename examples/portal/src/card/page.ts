/**
 * The page at /card: log in with the card's user-authentication certificate, and fill in the request
 * and sign it with the card's signature certificate as CMS, PDF or e-Gov XML. The PIN is never typed
 * here: the shomei extension opens its own window. The page's script is public/card.js.
 */
import { escapeHtml } from '../page.js';

export function renderCardPage(purposes: readonly (readonly [string, string])[]): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>マイナンバーカードで申請 — 見本市</title>
<style>
body{font-family:system-ui,"IPAGothic",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
section{border:1px solid #ccd;border-radius:6px;padding:1rem 1.2rem;margin:1rem 0}
label{display:block;margin:.4rem 0}
output{display:block;margin-top:.6rem;white-space:pre-wrap}
output[data-verdict=valid]{color:#116b2b}output[data-verdict=invalid],output[data-verdict=error]{color:#a01616}
</style>
</head>
<body>
<header><p>見本市 市民課 · Mihon City, Resident Affairs</p>
<h1>マイナンバーカードで申請 <small>Use your My Number card</small></h1>
<p id="extension" data-ready="">Looking for the shomei extension…</p></header>
<section>
<h2>カードでログイン <small>Log in with your card</small></h2>
<p>Uses the user-authentication certificate and its 4-digit PIN. The PIN is typed in the extension's window, not on this page.</p>
<button id="login" type="button">ログイン / Log in</button>
<output id="login-result" data-verdict="" data-code=""></output>
</section>
<section>
<h2>この申請にカードで署名 <small>Sign this application with your card</small></h2>
<form id="application">
<label>通数 / Copies <input id="copies" type="number" min="1" max="10" value="1" required></label>
<label>使用目的 / Purpose <select id="purpose">${purposes
    .map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`)
    .join('')}</select></label>
<label>備考 / Note <input id="note" maxlength="200" value=""></label>
<label>形式 / Format <select id="format"><option value="cms">CMS (.p7s)</option><option value="pdf">PDF (PAdES)</option><option value="egov">e-Gov XML (XAdES)</option></select></label>
<button id="sign" type="submit">署名して提出 / Sign and submit</button>
</form>
<output id="sign-result" data-verdict="" data-code=""></output>
<p><a id="application-link" href="" hidden>申請の状況 / The application's page</a></p>
</section>
<script type="module" src="/card/app.js"></script>
</body>
</html>
`;
}
