/**
 * The diagnosis' plain-data vocabulary: why the *server* sent what Chrome refused, and the fix in
 * the server's own terms. Like the engine, the diagnosis is a pure function of plain data: the
 * exchange, Chrome's verdict and what the same server did before. No I/O, no logger.
 */
import type { HeaderLine, RequestSnapshot, ResponseSnapshot, Stage, Verdict } from '../cors/types.js';

/** The server-side causes (issue 15). Finer detail goes in `evidence`, never in a new code. */
export type DiagnosisCode =
  | 'no-cors'
  | 'origin-not-allowed'
  | 'origin-fixed-other'
  | 'origin-malformed'
  | 'wildcard-with-credentials'
  | 'credentials-not-allowed'
  | 'duplicate-layers'
  | 'route-overrides'
  | 'auth-before-cors'
  | 'preflight-unhandled'
  | 'error-without-cors'
  | 'route-excluded'
  | 'method-not-allowed'
  | 'header-not-allowed'
  | 'redirect-before-cors'
  | 'redirect-target-no-cors'
  | 'redirect-to-login'
  | 'preflight-status';

/** The server stacks corscope can recognise and write fixes for; one file each in `stacks/`. */
export const STACK_NAMES = [
  'express',
  'fastify',
  'koa',
  'hono',
  'hapi',
  'nestjs',
  'flask',
  'django',
  'fastapi',
  'aiohttp',
  'rack',
  'go',
  'spring',
  'aspnetcore',
  'nginx',
  'apache',
  'caddy',
] as const;
export type StackName = (typeof STACK_NAMES)[number];

export interface Diagnosis {
  readonly code: DiagnosisCode;
  /** Which server produced the failing answer; null when the evidence is too thin to say. */
  readonly stack: StackName | null;
  /** What the diagnosis rests on, each a short fact seen on the wire or in corscope's memory. */
  readonly evidence: readonly string[];
  /** The change to make: in the stack's own terms when the stack is known, else the headers to send. */
  readonly fix: string;
  /**
   * What Chrome will do next where corscope cannot see it (a redirect to an origin corscope does
   * not front): always worded as a prediction.
   */
  readonly prediction?: string;
}

/** The first bytes of an answer's body, which Chrome hides from the page on a CORS failure. */
export interface BodyExcerpt {
  /** The excerpt as text (decoded from gzip/deflate/br; secrets redacted); absent for binary bodies. */
  readonly text?: string;
  /** The Content-Type as sent, or null. */
  readonly type: string | null;
  /** Bytes of the body seen on the wire (before decoding), up to the bound. */
  readonly bytes: number;
  /** The body went on past the bound (or past what was seen when the excerpt was taken). */
  readonly truncated: boolean;
}

/** One answered exchange as seen on the wire. */
export interface Observation {
  readonly stage: Stage;
  readonly request: RequestSnapshot;
  readonly response: ResponseSnapshot;
  readonly body?: BodyExcerpt;
}

/**
 * What the same server (target origin) did before, summarised and bounded by whoever keeps it
 * (the proxy's memory, `check`'s run, `har`'s file): the evidence that tells "nothing does CORS
 * here" from "a CORS layer ran but refused this origin".
 */
export interface ServerHistory {
  /** Answers seen from this server (bounded count), and how many of them carried any CORS header. */
  readonly answers: number;
  readonly answersWithCors: number;
  /** Distinct Access-Control-Allow-Origin values it sent (bounded, oldest first). */
  readonly allowOrigins: readonly string[];
  /** Paths (no query) whose answers carried CORS headers (bounded). */
  readonly pathsWithCors: readonly string[];
  /** Whether it ever echoed the request's Origin in Access-Control-Allow-Origin. */
  readonly echoesOrigin: boolean;
  /** Paths (no query) on which it echoed the Origin (bounded). */
  readonly echoPaths: readonly string[];
  /** Methods it listed in Access-Control-Allow-Methods (bounded, as sent). */
  readonly allowMethods: readonly string[];
  /** Header names it listed in Access-Control-Allow-Headers (bounded, lower case). */
  readonly allowHeaders: readonly string[];
  /** Whether it ever sent Access-Control-Allow-Credentials: true. */
  readonly allowsCredentials: boolean;
  /** Stack fingerprints seen on its earlier answers (`Server`, `X-Powered-By`, …), as header lines. */
  readonly identity: readonly HeaderLine[];
}

export const EMPTY_HISTORY: ServerHistory = Object.freeze({
  answers: 0,
  answersWithCors: 0,
  allowOrigins: Object.freeze([]) as readonly string[],
  pathsWithCors: Object.freeze([]) as readonly string[],
  echoesOrigin: false,
  echoPaths: Object.freeze([]) as readonly string[],
  allowMethods: Object.freeze([]) as readonly string[],
  allowHeaders: Object.freeze([]) as readonly string[],
  allowsCredentials: false,
  identity: Object.freeze([]) as readonly HeaderLine[],
});

export interface DiagnosisInput {
  /** The exchange Chrome blocks (or would block under the credentials mode corscope cannot see). */
  readonly exchange: Observation;
  readonly verdict: Verdict;
  /** For an actual request: the preflight that let it through, Chrome's verdict on it and its record id. */
  readonly preflight?: { readonly observation: Observation; readonly verdict: Verdict; readonly id?: string };
  /** For the last hop of a redirect chain: the redirect answer that led here. */
  readonly redirectedBy?: Observation;
  /** The stack the user named for the server that answered `redirectedBy` (another target's `stack`). */
  readonly redirectedByStack?: StackName;
  /** What this server did before (the failing exchange itself not included). */
  readonly history?: ServerHistory;
  /**
   * Origins corscope fronts, as the browser sees them: a redirect to anything else leaves
   * corscope's view (`redirect-to-login` then predicts what Chrome does there).
   */
  readonly frontedOrigins?: readonly string[];
  /** The stack the user declared (`--stack`): trusted over fingerprints. */
  readonly stack?: StackName;
  /** The page is known to send credentials here (cookies seen on its earlier requests). */
  readonly usesCredentials?: boolean;
}

/** A fingerprint that matched: the evidence string and how much it says on its own. */
export interface Fingerprint {
  readonly evidence: string;
  /** `strong`: names the stack by itself (`X-Powered-By: Express`). `weak`: consistent with it. */
  readonly weight: 'strong' | 'weak';
}

/** The facts a stack's fix writer needs, already worked out by the diagnosis. */
export interface FixContext {
  readonly code: DiagnosisCode;
  /** The page's origin (what to allow). */
  readonly origin: string;
  /** The actual request's method, as the page sends it. */
  readonly method: string;
  /** Header names the page sends that need allowing (lower case, Access-Control-Request-Headers order). */
  readonly requestHeaders: readonly string[];
  /** Whether the call needs credentials allowed (cookies seen, or the verdict needs them). */
  readonly credentials: boolean;
  /** The methods / headers the server allows now, as sent (empty when it sends none). */
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  /** The methods / headers missing from those lists, for method-not-allowed / header-not-allowed. */
  readonly missingMethods: readonly string[];
  readonly missingHeaders: readonly string[];
  /** The Access-Control-Allow-Origin value the server sent (joined), or null. */
  readonly allowOrigin: string | null;
  /** The failing answer's status. */
  readonly status: number;
  /** The path of the failing request (no query). */
  readonly path: string;
  /** For redirect codes: where the redirect pointed. */
  readonly location?: string;
  /** The header-level fix (the engine's), for a writer that has nothing better to add. */
  readonly headerFix: string;
}

/**
 * One server stack: how it is recognised and how a fix is written for it, side by side. Adding a
 * stack is adding one file with one of these and listing it in `stacks/index.ts`.
 */
export interface StackProfile {
  readonly name: StackName;
  /** How the fix names it: `Express with the cors package`, `nginx`. */
  readonly title: string;
  /** The fingerprints this answer (and the server's earlier identity lines) show for this stack. */
  recognise(answer: StackEvidence): readonly Fingerprint[];
  /** The fix in this stack's terms, or undefined to fall back to the header-level fix. */
  fix(context: FixContext): string | undefined;
}

/** What recognition reads: the failing answer, the paired preflight's, and the server's identity. */
export interface StackEvidence {
  readonly stage: Stage;
  readonly status: number;
  readonly headers: readonly HeaderLine[];
  readonly body?: BodyExcerpt;
  /** Other answers of the same server in this chain (the preflight, the redirect), newest first. */
  readonly related: readonly ResponseSnapshot[];
  readonly identity: readonly HeaderLine[];
}
