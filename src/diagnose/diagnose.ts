/**
 * The diagnosis: (exchange, verdict, what the server did before) in, (code, stack, evidence, fix)
 * out. Pure, like the engine. It runs only for exchanges Chrome blocks or would block, and for a
 * redirect that leaves for an origin corscope does not front (what Chrome does there is predicted).
 */
import { judge, redirectTaints, urlOrigin } from '../cors/index.js';
import { determineCause, type Cause } from './cause.js';
import { fixContext } from './context.js';
import { genericFix } from './generic.js';
import { recogniseStack } from './recognise.js';
import { STACK_BY_NAME } from './stacks/index.js';
import type { Diagnosis, DiagnosisCode, DiagnosisInput, Observation } from './types.js';

export function diagnose(input: DiagnosisInput): Diagnosis | undefined {
  const { verdict } = input;
  const failing = verdict.verdict === 'blocked' || verdict.verdict === 'conditional';
  const cause = failing ? determineCause(input) : leavingRedirect(input);
  if (!cause) return undefined;
  // An API that sent a fetch to another origin's sign-in page is fixed where it redirected: that
  // answer names its stack and its route (the sign-in server's own answer is not the one to change).
  const at = cause.fixAtRedirect && input.redirectedBy ? redirectingServer(input, input.redirectedBy) : input;
  const recognition = recogniseStack(at, cause.code);
  const context = fixContext(at, cause);
  const profile = recognition.stack ? STACK_BY_NAME.get(recognition.stack) : undefined;
  const write = (code: DiagnosisCode): string => {
    const forCode = { ...context, code };
    return profile?.fix(forCode) ?? genericFix(forCode);
  };
  const fix = cause.alternative ? `${write(cause.code)} If ${context.method} is allowed already, the request headers are what was refused: ${write(cause.alternative)}` : write(cause.code);
  const prediction = cause.location ? predict(input, cause.location) : undefined;
  return {
    code: cause.code,
    stack: recognition.stack,
    evidence: [...cause.evidence, ...recognition.evidence],
    fix,
    ...(prediction ? { prediction } : {}),
  };
}

/** The diagnosis input as seen from the redirect that led here: its answer, its server's stack. */
function redirectingServer(input: DiagnosisInput, redirect: Observation): DiagnosisInput {
  const { stack: _ignored, history: _history, preflight: _preflight, ...rest } = input;
  return { ...rest, exchange: redirect, ...(input.redirectedByStack ? { stack: input.redirectedByStack } : {}) };
}

/** An allowed redirect to a sign-in page corscope does not front: the failure comes after it. */
function leavingRedirect(input: DiagnosisInput): Cause | undefined {
  const { exchange } = input;
  if (exchange.stage !== 'request' || exchange.response.status < 300 || exchange.response.status > 399) return undefined;
  const cause = determineCause(input);
  if (cause.code !== 'redirect-to-login' || !cause.location || isFronted(input, cause.location)) return undefined;
  return cause;
}

function isFronted(input: DiagnosisInput, url: string): boolean {
  const origin = urlOrigin(url);
  const fronted = input.frontedOrigins ?? [urlOrigin(input.exchange.request.url)];
  return origin !== null && fronted.includes(origin);
}

/**
 * Where the browser goes next and corscope cannot follow: Chrome follows the redirect (with
 * `Origin: null` after a cross-origin hop) and, if that server sends no CORS headers, prints the
 * line the engine gives for it.
 */
function predict(input: DiagnosisInput, location: string): string | undefined {
  if (isFronted(input, location)) return undefined;
  const { exchange, verdict } = input;
  const origin = verdict.origin;
  if (!origin || origin === 'null') return undefined;
  const tainted = redirectTaints(exchange.request.url, location, origin);
  const next = judge({
    stage: 'request',
    request: { url: location, method: exchange.request.method, headers: [['Origin', tainted ? 'null' : origin]] },
    response: { status: 200, headers: [] },
    context: { initiator: verdict.initiator, credentials: verdict.credentials, pageOrigin: origin, redirect: { initialUrl: exchange.request.url, tainted } },
  });
  const line = next.primary?.chrome?.[verdict.initiator];
  if (!line) return undefined;
  const allow = tainted ? "Access-Control-Allow-Origin: null" : `Access-Control-Allow-Origin: ${origin}`;
  return `Predicted (corscope does not front ${urlOrigin(location) ?? location}): Chrome follows the redirect${tainted ? ' with Origin: null' : ''}; unless that server answers with ${allow}${verdict.credentials !== 'omit' ? ' and Access-Control-Allow-Credentials: true' : ''}, Chrome will print: ${line}`;
}
