/**
 * Which stack produced the answer, from the fingerprints each stack file knows. A stack is named
 * only on evidence: one strong fingerprint (it names the stack by itself), or two weak ones that no
 * other stack shares. Otherwise null: a guess stated as a fact would send people to the wrong file.
 */
import { STACKS } from './stacks/index.js';
import type { DiagnosisCode, DiagnosisInput, Fingerprint, StackEvidence, StackName, StackProfile } from './types.js';

export interface Recognition {
  readonly stack: StackName | null;
  readonly evidence: readonly string[];
}

/** Servers that sit in front of an application; their own error pages are theirs. */
const PROXIES: ReadonlySet<StackName> = new Set(['nginx', 'apache', 'caddy']);

/**
 * Frameworks built on another one: both name themselves on the same answer (every NestJS answer on
 * platform-express says X-Powered-By: Express), and the one built on top is the one configured.
 */
const BUILT_ON: ReadonlyMap<StackName, readonly StackName[]> = new Map([['nestjs', ['express', 'fastify']]]);

/** Causes an answer of the front server itself usually carries (its error page, its redirect). */
const FRONT_CAUSES: ReadonlySet<DiagnosisCode> = new Set(['duplicate-layers', 'auth-before-cors', 'redirect-before-cors']);

export function stackEvidence(input: DiagnosisInput): StackEvidence {
  const related = [input.preflight?.observation.response, input.redirectedBy?.response].filter((r) => r !== undefined);
  return {
    stage: input.exchange.stage,
    status: input.exchange.response.status,
    headers: input.exchange.response.headers,
    ...(input.exchange.body ? { body: input.exchange.body } : {}),
    related,
    identity: input.history?.identity ?? [],
  };
}

export function recogniseStack(input: DiagnosisInput, code: DiagnosisCode, stacks: readonly StackProfile[] = STACKS): Recognition {
  if (input.stack) return { stack: input.stack, evidence: [`--stack ${input.stack}`] };
  const evidence = stackEvidence(input);
  const scored: { profile: StackProfile; strong: Fingerprint[]; weak: Fingerprint[] }[] = [];
  for (const profile of stacks) {
    const prints = profile.recognise(evidence);
    if (prints.length === 0) continue;
    scored.push({ profile, strong: prints.filter((p) => p.weight === 'strong'), weak: prints.filter((p) => p.weight === 'weak') });
  }
  const named = scored.filter((s) => s.strong.length > 0);
  const under = new Set(named.flatMap((s) => BUILT_ON.get(s.profile.name) ?? []));
  const strong = named.filter((s) => !under.has(s.profile.name));
  let chosen = strong.length === 1 ? strong[0] : undefined;
  if (strong.length > 1) {
    // An application behind a proxy: both name themselves. The proxy made the answer when the
    // cause is its kind of answer, or when the application's mark is absent from the answer itself.
    const apps = strong.filter((s) => !PROXIES.has(s.profile.name));
    const proxies = strong.filter((s) => PROXIES.has(s.profile.name));
    if (apps.length === 1 && proxies.length >= 1) chosen = FRONT_CAUSES.has(code) && proxies.length === 1 ? proxies[0] : apps[0];
  }
  if (!chosen && strong.length === 0) {
    const weakOnly = scored.filter((s) => s.weak.length >= 2);
    if (weakOnly.length === 1 && scored.length === 1) chosen = weakOnly[0];
  }
  if (!chosen) return { stack: null, evidence: [] };
  return { stack: chosen.profile.name, evidence: [...chosen.strong, ...chosen.weak].map((p) => p.evidence) };
}
