// A page following corscope's inspector, for bench/ab.js --follow: the event stream read as a
// browser tab reads it (every byte taken as it comes; events counted, not parsed), so what the
// proxy pays is what an open page costs it.
import http from 'node:http';

export function followInspector(port, { host = '127.0.0.1', ms = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const until = Date.now() + ms;
    const attempt = () => {
      const req = http.get({ host, port, path: '/events', headers: { Host: `${host}:${port}`, Accept: 'text/event-stream' } });
      req.once('error', (err) => (Date.now() < until ? setTimeout(attempt, 50) : reject(err)));
      req.once('response', (res) => {
        if (res.statusCode !== 200) return reject(new Error(`inspector answered ${res.statusCode}`));
        let exchanges = 0;
        let bytes = 0;
        let tail = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          bytes += Buffer.byteLength(chunk);
          // An exchange event starts with its own line; a chunk may end in the middle of one.
          const text = tail + chunk;
          let at = -1;
          while ((at = text.indexOf('\nevent: exchange\n', at + 1)) >= 0) exchanges++;
          tail = text.slice(-16);
        });
        res.on('error', () => undefined);
        resolve({ counts: () => ({ exchanges, bytes }), close: () => req.destroy() });
      });
    };
    attempt();
  });
}
