/** The live stream and its reconnection (/js/connection.js). */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const CONNECTION_JS = String.raw`// The live stream: server-sent events, which browsers reconnect by themselves (sending the last
// event id, so corscope sends only what was missed). When the browser gives up (corscope was
// away and something else answered), the page starts a new stream after a pause, from where it was.
// What many records share comes once as a 'shared' event and stands in them as {"$shared": n}:
// put back here, so the page holds each record as corscope emitted it.

// More than corscope assumes a page holds (its SENT_LIMIT), so a value it refers to is still here.
const SHARED_LIMIT = 4096;

export function connect(handlers) {
  let lastId = '';
  let source = null;
  let delay = 1000;
  let timer = 0;
  const shared = new Map();
  const revive = (key, value) => (value !== null && typeof value === 'object' && typeof value.$shared === 'number' && shared.has(value.$shared) ? shared.get(value.$shared) : value);

  function open() {
    clearTimeout(timer);
    source = new EventSource('/events' + (lastId ? '?after=' + encodeURIComponent(lastId) : ''));
    source.addEventListener('hello', (event) => {
      delay = 1000;
      shared.clear();
      handlers.hello(JSON.parse(event.data));
    });
    source.addEventListener('shared', (event) => {
      const { ref, value } = JSON.parse(event.data);
      shared.set(ref, value);
      if (shared.size > SHARED_LIMIT) shared.delete(shared.keys().next().value);
    });
    source.addEventListener('exchange', (event) => {
      lastId = event.lastEventId;
      handlers.exchange(JSON.parse(event.data, revive));
    });
    source.addEventListener('gap', (event) => handlers.gap(JSON.parse(event.data)));
    source.addEventListener('live', () => handlers.status('live'));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        handlers.status('offline');
        timer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 10000);
      } else handlers.status('reconnecting');
    });
  }

  open();
  return { close: () => { clearTimeout(timer); if (source) source.close(); } };
}
`;
