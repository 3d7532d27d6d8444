/**
 * Every Chrome observation whose requests all went to one API, replayed through a real corscope in
 * front of a real upstream: the browser's exact requests in, the API's exact answers back, and the
 * record must carry the very line Chrome printed (with corscope's port where the API's was).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endToEnd } from './helpers.js';
import { blockedCases, expectedLine, passingCases, startReplay, type Replay } from './replay.js';

let bench: Replay;
beforeAll(async () => {
  bench = await startReplay();
});
afterAll(() => bench.close());

const blocked = blockedCases();
const passing = passingCases();

describe('Chrome-blocked exchanges, end to end', () => {
  it.each(blocked.map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const { replies, expectedLines } = await bench.replay(kase);
    const records = bench.proxy.records;
    expect(records).toHaveLength(kase.serverRequests.length);
    const last = records.at(-1)!;
    const line = expectedLine(kase, bench.proxy.port);
    expect(last.chrome?.variants[kase.client.api]).toBe(line);
    expect(last.chrome?.message).toBe(last.chrome?.variants.fetch);
    expect(['blocked', 'conditional']).toContain(last.verdict);
    if (last.verdict === 'blocked') expect(last.msg).toBe(last.chrome?.message);
    const request = kase.serverRequests.at(-1)!;
    expect(last).toMatchObject({
      event: 'cors',
      stage: request.method === 'OPTIONS' ? 'preflight' : 'request',
      method: request.method,
      url: `${bench.proxy.origin}${request.path}`,
      status: request.response.status,
      cause: expect.any(String),
      fix: expect.any(String),
    });
    expect(last.findings[0]).toEqual(expect.objectContaining({ code: last.chrome?.code }));
    // Without patch mode the API's answer reaches the browser line for line.
    replies.forEach((reply, i) => expect(endToEnd(reply.headers)).toEqual(endToEnd(expectedLines[i]!)));
  });
});

describe('exchanges Chrome let through, end to end', () => {
  it.each(passing.map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const { replies, expectedLines } = await bench.replay(kase);
    expect(bench.proxy.records).toHaveLength(kase.serverRequests.length);
    for (const record of bench.proxy.records) {
      // Without cookies corscope cannot know the credentials mode: a finding that holds only with
      // credentials is reported as conditional, never as blocked.
      expect(record.verdict).not.toBe('blocked');
      if (record.verdict === 'conditional') expect(record.findings[0]?.onlyIf).toBeDefined();
      else expect(record.chrome).toBeNull();
    }
    replies.forEach((reply, i) => {
      expect(reply.status).toBe(kase.serverRequests[i]!.response.status);
      expect(endToEnd(reply.headers)).toEqual(endToEnd(expectedLines[i]!));
    });
  });
});
