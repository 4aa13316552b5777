// The PIN window: an extension page, so the web page that asked cannot read or script it. It shows
// who asks (the origin the browser reported), what is signed (description and hash), and the tries
// left; with one try left the OK button stays disabled until the user ticks the confirmation.
// A wrong PIN is never resent automatically: the user types again or cancels.
const api = globalThis.browser ?? globalThis.chrome;
const request = new URLSearchParams(location.search).get('request');
const $ = (id) => document.getElementById(id);

const RULES = {
  auth: { label: 'User-authentication PIN (4 digits)', pattern: /^[0-9]{4}$/, hint: 'four digits' },
  sign: {
    label: 'Signature password (6–16 letters A–Z and digits)',
    pattern: /^[A-Z0-9]{6,16}$/,
    hint: '6–16 letters A–Z and digits',
  },
};
const ACTIONS = {
  authenticate: 'Log in with your My Number card',
  sign: 'Sign with your My Number card',
  getCertificate: 'Read your signing certificate from the card',
};

let rule = RULES.auth;
let remaining;
let busy = false;

function showTries() {
  $('tries').textContent =
    typeof remaining === 'number' ? `${remaining} ${remaining === 1 ? 'try' : 'tries'} left` : '';
  const last = remaining === 1;
  $('last').hidden = !last;
  $('ok').disabled = busy || (last && !$('confirm-last').checked);
}

function hexGroups(base64) {
  const bin = atob(base64);
  let hex = '';
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
  return hex.replace(/(.{8})/g, '$1 ').trim();
}

async function init() {
  const details = await api.runtime.sendMessage({ kind: 'pin-ready', request });
  if (!details) {
    window.close();
    return;
  }
  rule = RULES[details.key];
  remaining = details.remainingAttempts;
  $('action').textContent = ACTIONS[details.action] ?? details.action;
  $('origin').textContent = details.origin;
  $('pin-label').textContent = rule.label;
  $('pin').inputMode = details.key === 'auth' ? 'numeric' : 'text';
  $('pin').maxLength = details.key === 'auth' ? 4 : 16;
  if (details.action === 'sign') {
    $('what').hidden = false;
    $('description').textContent = details.description;
    $('hash-algorithm').textContent = details.hashAlgorithm;
    $('hash').textContent = hexGroups(details.hash);
  }
  showTries();
  $('pin').focus();
}

$('confirm-last').addEventListener('change', showTries);
$('cancel').addEventListener('click', () => {
  api.runtime.sendMessage({ kind: 'pin-cancel', request });
  window.close();
});
$('pin').addEventListener('input', () => {
  if (rule === RULES.sign) $('pin').value = $('pin').value.toUpperCase();
});
$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (busy) return;
  const input = $('pin');
  const pin = input.value;
  // Checked here too so that a typo costs no try (the driver checks again before sending).
  if (!rule.pattern.test(pin)) {
    $('error').textContent = `The PIN must be ${rule.hint}. Nothing was sent to the card.`;
    return;
  }
  input.value = '';
  busy = true;
  $('error').textContent = 'Working with the card…';
  showTries();
  const reply = await api.runtime.sendMessage({
    kind: 'pin-submit',
    request,
    pin,
    allowLastAttempt: remaining === 1 && $('confirm-last').checked,
  });
  busy = false;
  if (reply?.done) {
    window.close();
    return;
  }
  remaining = reply?.remainingAttempts ?? remaining;
  $('confirm-last').checked = false;
  $('error').textContent = reply?.error?.message ?? 'The card refused the PIN.';
  showTries();
  input.focus();
});

init();
