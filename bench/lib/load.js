// autocannon, with latency percentiles kept to the microsecond (autocannon's own histogram rounds
// to whole milliseconds, too coarse for a "<= 1 ms p99" target).
import autocannon from 'autocannon';

export const ORIGIN = 'http://localhost:5173';
const CORS = { origin: ORIGIN, 'sec-fetch-mode': 'cors' };

/** The workloads of issue 7. `pairs` alternates a preflight and the PUT it allows. */
export const WORKLOADS = {
  simple: { describe: 'simple GET with Origin', requests: [{ method: 'GET', path: '/simple', headers: CORS }] },
  pairs: {
    describe: 'preflight + PUT pairs',
    requests: [
      {
        method: 'OPTIONS',
        path: '/put',
        headers: { ...CORS, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      },
      { method: 'PUT', path: '/put', headers: { ...CORS, 'content-type': 'application/json' }, body: '{"n":1}' },
    ],
  },
  big: { describe: '64 KiB responses', requests: [{ method: 'GET', path: '/big', headers: CORS }] },
  // A new URL on every request (`/items/1`, `/items/2`, …), as a page listing records does: every
  // exchange misses the judgment cache, so this is the cost of judging, recording and logging anew.
  distinct: {
    describe: 'simple GET, a new URL each time (no verdict reused)',
    requests: [{ method: 'GET', path: '/items/0', headers: CORS, setupRequest: nextItem }],
  },
  // Not in the default run: same-origin traffic (no Origin), judged not-cors and logged at debug,
  // so at the default level every record built for it is dropped.
  plain: { describe: 'GET without Origin (not CORS, record dropped at info)', requests: [{ method: 'GET', path: '/simple' }] },
};

let item = 0;
function nextItem(request) {
  return { ...request, path: `/items/${++item}` };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One autocannon run (saturating, or at `rate` req/s); returns req/s, p50/p99 (ms, µs resolution), errors. */
export async function load(url, { requests, connections, duration, amount, rate }) {
  let times = new Float64Array(1 << 16);
  let n = 0;
  const instance = autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    // A fixed rate (requests/s over all connections), below saturation: latency without queueing.
    ...(rate ? { overallRate: rate } : {}),
    requests,
    timeout: 20,
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    if (n === times.length) {
      const bigger = new Float64Array(times.length * 2);
      bigger.set(times);
      times = bigger;
    }
    times[n++] = responseTime;
  });
  const r = await instance;
  const sorted = times.subarray(0, n).sort();
  return {
    rps: r.requests.total / ((r.duration || duration) ?? 1),
    total: r.requests.total,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mbps: r.throughput.average / 1048576,
    seconds: r.duration || duration,
    times: sorted,
  };
}
