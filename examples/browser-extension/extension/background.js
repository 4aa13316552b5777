// Background service worker: talks to the native host `jp.shomei.host` and owns the PIN window.
// One page request at a time: a second one while the first is open is answered HOST_BUSY, so two
// pages never interleave on the card. The origin of a request is the browser's (sender.origin of
// the content script's frame); a page that puts an `origin` into its parameters is refused.
const api = globalThis.browser ?? globalThis.chrome;
const HOST = 'jp.shomei.host';
const PIN_PAGE = api.runtime.getURL('pin.html');
const TYPES = new Set(['getCertificate', 'sign', 'authenticate']);

const fail = (code, message, extra = {}) => ({ ok: false, error: { code, message, ...extra } });

// ---- the native host --------------------------------------------------------------------------
let port = null;
let sequence = 0;
const waiting = new Map();

function connect() {
  if (port) return port;
  port = api.runtime.connectNative(HOST);
  port.onMessage.addListener((reply) => {
    const resolve = waiting.get(reply?.id);
    if (!resolve) return;
    waiting.delete(reply.id);
    resolve(reply);
  });
  port.onDisconnect.addListener(() => {
    const reason = api.runtime.lastError?.message ?? 'the host exited';
    port = null;
    for (const [id, resolve] of waiting) {
      resolve({
        id,
        ...fail(
          'HOST_UNAVAILABLE',
          `The shomei card host is not available (${reason}). Install it with \`shomei-host install\`.`,
        ),
      });
    }
    waiting.clear();
  });
  return port;
}

/** Sends one command; resolves with the host's reply ({ ok, result } or { ok: false, error }). */
function callHost(type, origin, params, onId) {
  const id = `x${++sequence}`;
  onId?.(id);
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    try {
      connect().postMessage({ v: 1, id, type, origin, params });
    } catch (error) {
      waiting.delete(id);
      resolve(
        fail('HOST_UNAVAILABLE', `The shomei card host could not be started: ${error?.message ?? error}`),
      );
    }
  });
}

// ---- page requests -------------------------------------------------------------------------------
/** The request being served: { pageId, tabId, origin, type, params, pins, windowId, hostId, respond }. */
let active = null;

function originOf(sender) {
  if (!sender.tab || sender.id !== api.runtime.id) return null;
  const origin = sender.origin ?? (sender.url ? new URL(sender.url).origin : null);
  return typeof origin === 'string' && /^https?:\/\//.test(origin) ? origin : null;
}

function finish(reply) {
  const current = active;
  if (!current) return;
  active = null;
  // Only the outcome goes to the page (not the host's request id).
  current.respond(reply.ok ? { ok: true, result: reply.result } : { ok: false, error: reply.error });
  if (current.windowId !== undefined) api.windows.remove(current.windowId).catch(() => {});
}

async function handlePage(message, sender) {
  const origin = originOf(sender);
  if (!origin) return fail('HOST_ORIGIN_INVALID', 'Requests must come from an http(s) page.');
  const { type } = message;
  const params = message.params ?? {};
  if (!TYPES.has(type))
    return fail('HOST_COMMAND_UNKNOWN', `Unknown request "${String(type).slice(0, 40)}".`);
  if (typeof params !== 'object' || Array.isArray(params))
    return fail('HOST_MESSAGE_MALFORMED', 'params must be an object.');
  if (Object.hasOwn(params, 'origin')) {
    return fail('HOST_ORIGIN_INVALID', 'A page may not choose the origin: the browser attaches it.');
  }
  if (Object.hasOwn(params, 'pin') || Object.hasOwn(params, 'allowLastAttempt')) {
    return fail(
      'HOST_MESSAGE_MALFORMED',
      'A page never handles the PIN: it is typed in the extension’s window.',
    );
  }
  if (active) return fail('HOST_BUSY', 'The card is busy with another request. Finish or cancel it first.');
  return new Promise((respond) => {
    active = { pageId: message.id, tabId: sender.tab.id, origin, type, params, respond };
    start(active).catch((error) => finish(fail('HOST_INTERNAL', String(error?.message ?? error))));
  });
}

async function start(request) {
  const { type, origin, params } = request;
  if (type === 'getCertificate' && params.kind === 'auth') {
    // The authentication certificate is public on the card (spec §2): no PIN, no window.
    const reply = await callHost('certificate', origin, { key: 'auth' }, (id) => (request.hostId = id));
    return finish(reply);
  }
  if (type === 'getCertificate' && params.kind !== 'sign') {
    return finish(fail('HOST_MESSAGE_MALFORMED', 'getCertificate takes "sign" or "auth".'));
  }
  const status = await callHost('status', origin, {}, (id) => (request.hostId = id));
  if (active !== request) return;
  if (!status.ok) return finish(status);
  const key = type === 'authenticate' ? 'auth' : 'sign';
  const pin = status.result.pins[key];
  if (pin.blocked) {
    return finish(
      fail('PIN_BLOCKED', 'The PIN is blocked. It can only be reset at the municipal office.', {
        remainingAttempts: 0,
      }),
    );
  }
  request.key = key;
  request.remainingAttempts = pin.remainingAttempts;
  request.maxAttempts = pin.maxAttempts;
  const created = await api.windows.create({
    url: `${PIN_PAGE}?request=${encodeURIComponent(request.pageId)}`,
    type: 'popup',
    width: 460,
    height: 600,
    focused: true,
  });
  request.windowId = created.id;
  if (active !== request) api.windows.remove(created.id).catch(() => {});
}

/** What the PIN window shows: nothing from the page is interpreted as markup there. */
function details(request) {
  const base = {
    origin: request.origin,
    key: request.key,
    action: request.type,
    remainingAttempts: request.remainingAttempts,
    maxAttempts: request.maxAttempts,
  };
  if (request.type === 'sign') {
    return {
      ...base,
      description: request.params.description,
      hash: request.params.hash,
      hashAlgorithm: request.params.hashAlgorithm,
    };
  }
  return base;
}

function hostCommand(request, pin, allowLastAttempt) {
  const p = request.params;
  const withPin = { pin, ...(allowLastAttempt ? { allowLastAttempt: true } : {}) };
  if (request.type === 'sign') {
    return ['sign', { hash: p.hash, hashAlgorithm: p.hashAlgorithm, description: p.description, ...withPin }];
  }
  if (request.type === 'authenticate') return ['authenticate', { challenge: p.challenge, ...withPin }];
  return ['certificate', { key: 'sign', ...withPin }];
}

async function submitPin(message) {
  const request = active;
  if (!request || request.pageId !== message.request || request.submitting) return { done: true };
  request.submitting = true;
  const [type, params] = hostCommand(request, String(message.pin ?? ''), message.allowLastAttempt === true);
  const reply = await callHost(type, request.origin, params, (id) => (request.hostId = id));
  request.submitting = false;
  if (active !== request) return { done: true };
  // A wrong PIN goes back to the window with the tries left: the user decides whether to try
  // again (never retried here). Format errors used no try. Everything else ends the request.
  if (
    !reply.ok &&
    (reply.error.code === 'PIN_INCORRECT' ||
      reply.error.code === 'PIN_FORMAT_INVALID' ||
      reply.error.code === 'PIN_LAST_ATTEMPT_GUARD')
  ) {
    if (typeof reply.error.remainingAttempts === 'number')
      request.remainingAttempts = reply.error.remainingAttempts;
    return { done: false, error: reply.error, remainingAttempts: request.remainingAttempts };
  }
  finish(reply);
  return { done: true, ok: reply.ok, error: reply.ok ? undefined : reply.error };
}

function cancel(pageId, why) {
  const request = active;
  if (!request || (pageId !== undefined && request.pageId !== pageId)) return;
  if (request.hostId) callHost('cancel', request.origin, { target: request.hostId });
  finish(fail('USER_CANCELLED', why));
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // The PIN window is an extension page (its URL is ours; a content script's sender URL is the web page's).
  const fromPinWindow =
    sender.id === api.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(PIN_PAGE);
  switch (message?.kind) {
    case 'page-request':
      handlePage(message, sender).then(sendResponse);
      return true;
    case 'page-cancel':
      if (originOf(sender) && active?.tabId === sender.tab.id)
        cancel(message.id, 'The page cancelled the request.');
      return false;
    case 'pin-ready':
      if (!fromPinWindow) return false;
      sendResponse(active && active.pageId === message.request ? details(active) : null);
      return false;
    case 'pin-submit':
      if (!fromPinWindow) return false;
      submitPin(message).then(sendResponse);
      return true;
    case 'pin-cancel':
      if (fromPinWindow) cancel(message.request, 'The user cancelled in the PIN window.');
      return false;
    default:
      return false;
  }
});

api.windows.onRemoved.addListener((windowId) => {
  if (active && active.windowId === windowId) cancel(undefined, 'The user closed the PIN window.');
});

api.tabs.onRemoved.addListener((tabId) => {
  if (active && active.tabId === tabId) cancel(undefined, 'The page was closed.');
});
