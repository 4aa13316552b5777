// Content script: the bridge between the page and the extension. It runs in an isolated world (the
// page cannot read its variables) and only relays: requests from the page's own window go to the
// background worker, which attaches the page origin from the browser (sender.origin), never from
// the message. Replies go back to this window only (targetOrigin = the page's own origin).
const api = globalThis.browser ?? globalThis.chrome;
const PAGE = 'shomei-page';
const EXTENSION = 'shomei-extension';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

window.addEventListener('message', (event) => {
  if (event.source !== window) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null || data.channel !== PAGE) return;
  if (typeof data.id !== 'string' || !ID.test(data.id)) return;
  if (data.kind === 'cancel') {
    api.runtime.sendMessage({ kind: 'page-cancel', id: data.id }).catch(() => {});
    return;
  }
  if (data.kind === 'ping') {
    window.postMessage(
      { channel: EXTENSION, id: data.id, ok: true, result: { version: 1 } },
      location.origin,
    );
    return;
  }
  if (data.kind !== 'request') return;
  api.runtime
    .sendMessage({ kind: 'page-request', id: data.id, type: data.type, params: data.params })
    .then(
      (reply) => reply,
      () => ({
        ok: false,
        error: { code: 'HOST_UNAVAILABLE', message: 'The shomei extension did not answer.' },
      }),
    )
    .then((reply) =>
      window.postMessage(
        {
          ok: reply?.ok === true,
          result: reply?.result,
          error: reply?.error,
          channel: EXTENSION,
          id: data.id,
        },
        location.origin,
      ),
    );
});
