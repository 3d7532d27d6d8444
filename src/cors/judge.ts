import { classifyRequest } from './classify.js';
import { preflightFailures, requestFailures, type Failure } from './checks.js';
import { explain } from './explain.js';
import { gatherFacts, type ExchangeFacts } from './facts.js';
import { hasHeader, headerValues } from './header-list.js';
import { consoleLines } from './messages.js';
import { EMPTY_PATCH, minimalPatch } from './minimal-headers.js';
import { preflightCacheSeconds } from './preflight.js';
import type { CredentialsKnowledge, Exchange, Finding, RequestSnapshot, Verdict } from './types.js';
import { warnings } from './warnings.js';

/**
 * The engine's entry point: one exchange in, Chrome's verdict out. The check order is Chrome's;
 * when the credentials mode cannot be seen, both modes are judged and findings that hold only with
 * credentials say so.
 */
export function judge(exchange: Exchange): Verdict {
  const context = exchange.context ?? {};
  const initiator = context.initiator ?? 'fetch';
  const classification = classifyRequest(exchange.request);
  const originHeader = headerValues(exchange.request.headers, 'origin')[0] ?? null;
  if ('notCors' in classification) {
    return {
      verdict: 'not-cors',
      stage: exchange.stage,
      notCors: classification.notCors,
      findings: [],
      credentials: context.credentials ?? 'unknown',
      initiator,
      origin: originHeader,
      patch: EMPTY_PATCH,
    };
  }
  const origin = originHeader ?? 'null';
  const credentials = context.credentials ?? credentialsOf(exchange.request, exchange.stage);
  const facts = gatherFacts(exchange, origin);
  const run = (include: boolean) =>
    facts.stage === 'preflight' ? preflightFailures(facts, include) : requestFailures(facts, include);

  const withoutCredentials = credentials === 'include' ? [] : run(false);
  const withCredentials = credentials === 'omit' ? [] : run(true);
  const errors = combine(facts, credentials, withoutCredentials, withCredentials);
  const verdict = errors.length === 0 ? 'allowed' : errors[0]!.onlyIf === undefined ? 'blocked' : 'conditional';
  const mayInclude = credentials !== 'omit';
  const found = warnings({
    facts,
    response: exchange.response.headers,
    mayInclude,
    mayOmit: credentials !== 'include',
    passes: verdict === 'allowed',
    otherOriginsEchoed: context.otherOriginsEchoed ?? [],
  });
  return {
    verdict,
    stage: facts.stage,
    ...(errors[0] ? { primary: errors[0] } : {}),
    findings: [...errors, ...found],
    credentials,
    initiator,
    origin,
    patch: minimalPatch(facts, [...withoutCredentials, ...withCredentials], mayInclude),
    ...(facts.stage === 'preflight' ? { maxAgeSeconds: preflightCacheSeconds(facts.maxAge) } : {}),
  };
}

/**
 * Cookies on a cross-origin request mean `credentials: 'include'` for certain. A preflight never
 * carries them, so its actual request's mode stays unknown.
 */
export function credentialsOf(request: RequestSnapshot, stage: Exchange['stage']): CredentialsKnowledge {
  if (stage === 'preflight') return 'unknown';
  return hasHeader(request.headers, 'cookie') ? 'include' : 'unknown';
}

/**
 * Unknown credentials: what fails without credentials fails for certain (it comes first); what
 * fails only with them is conditional.
 */
function combine(facts: ExchangeFacts, credentials: CredentialsKnowledge, without: Failure[], withCreds: Failure[]): Finding[] {
  if (credentials === 'include') return withCreds.map((f) => toFinding(f, facts, true));
  const certain = without.map((f) => toFinding(f, facts, false));
  if (credentials === 'omit') return certain;
  const seen = new Set(without.map(key));
  const conditional = withCreds
    .filter((f) => !seen.has(key(f)))
    .map((f) => toFinding(f, facts, true, 'credentials-include'));
  return [...certain, ...conditional];
}

const key = (f: Failure) => `${f.code}\u0000${f.hint}`;

function toFinding(failure: Failure, facts: ExchangeFacts, include: boolean, onlyIf?: Finding['onlyIf']): Finding {
  const explanation = explain(failure, facts, include);
  return {
    code: failure.code,
    severity: 'error',
    ...(onlyIf ? { onlyIf } : {}),
    chrome: consoleLines(failure.code, {
      url: facts.url,
      ...(facts.initialUrl !== undefined ? { initialUrl: facts.initialUrl } : {}),
      origin: facts.pageOrigin,
      hint: failure.hint,
      wording: facts.wording,
    }),
    ...(failure.hint !== '' ? { hint: failure.hint } : {}),
    ...explanation,
  };
}
