// shomei page API: ask the shomei browser extension for the My Number card. Browser-only ESM, no
// dependencies. The page never sees a PIN: the extension asks for it in its own window. Types are in
// shomei-card.d.ts; the protocol and the error codes are in docs/browser.md.
const PAGE = 'shomei-page';
const EXTENSION = 'shomei-extension';
const HASH_LENGTH = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export class ShomeiCardError extends Error {
  constructor(code, message, remainingAttempts) {
    super(message);
    this.name = 'ShomeiCardError';
    this.code = code;
    if (typeof remainingAttempts === 'number') this.remainingAttempts = remainingAttempts;
  }
}

let counter = 0;
const newId = () =>
  `p${Date.now().toString(36)}${(++counter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

function call(kind, type, params, options = {}) {
  const { signal, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ShomeiCardError('USER_CANCELLED', 'The request was aborted before it started.'));
      return;
    }
    const id = newId();
    let timer;
    const cleanup = () => {
      window.removeEventListener('message', onMessage);
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    };
    const onMessage = (event) => {
      const data = event.data;
      if (event.source !== window || data?.channel !== EXTENSION || data.id !== id) return;
      cleanup();
      if (data.ok) resolve(data.result);
      else
        reject(
          new ShomeiCardError(
            data.error?.code ?? 'HOST_INTERNAL',
            data.error?.message ?? 'The card request failed.',
            data.error?.remainingAttempts,
          ),
        );
    };
    const onAbort = () => {
      window.postMessage({ channel: PAGE, kind: 'cancel', id }, location.origin);
    };
    window.addEventListener('message', onMessage);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        reject(
          new ShomeiCardError(
            'HOST_UNAVAILABLE',
            'The shomei extension did not answer. Is it installed and enabled?',
          ),
        );
      }, timeoutMs);
    }
    window.postMessage({ channel: PAGE, kind, id, type, params }, location.origin);
  });
}

function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function fromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** True when the extension answers within `timeoutMs` (default 1 s). */
export async function isAvailable(timeoutMs = 1000) {
  try {
    await call('ping', 'ping', {}, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}

/** The card's certificate: 'auth' needs no PIN; 'sign' asks for the signature password. */
export async function getCertificate(kind, options) {
  if (kind !== 'sign' && kind !== 'auth') throw new TypeError('getCertificate takes "sign" or "auth".');
  const result = await call('request', 'getCertificate', { kind }, options);
  return { certificate: fromBase64(result.certificate), chain: result.chain.map(fromBase64) };
}

/** Signs a hash with the signing key after the user saw the description and the hash. */
export async function sign(request, options) {
  const { hash, hashAlgorithm = 'SHA-256', description } = request ?? {};
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH[hashAlgorithm]) {
    throw new TypeError(
      'sign needs { hash: Uint8Array } of the length of hashAlgorithm (SHA-256, SHA-384 or SHA-512).',
    );
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new TypeError('sign needs a description the user will see in the PIN window.');
  }
  const result = await call('request', 'sign', { hash: toBase64(hash), hashAlgorithm, description }, options);
  return {
    signature: fromBase64(result.signature),
    certificate: fromBase64(result.certificate),
    chain: result.chain.map(fromBase64),
  };
}

/** A login token for the server's challenge nonce, bound by the extension to this page's origin. */
export async function authenticate(request, options) {
  const challenge = request?.challenge;
  if (typeof challenge !== 'string')
    throw new TypeError('authenticate needs { challenge } (the nonce from the server).');
  const result = await call('request', 'authenticate', { challenge }, options);
  return { token: result.token, certificate: fromBase64(result.certificate) };
}
