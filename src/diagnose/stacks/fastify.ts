/**
 * Fastify with @fastify/cors. Fingerprints read from Fastify 5.12 (its default 404 handler, error
 * serializer and FST_ERR codes) and @fastify/cors 11.4's index.js, and checked against
 * test/fixtures/servers/fastify.json. Fastify sends no Server or X-Powered-By header, and its
 * reply.header() writes names in lower case, which Node keeps on the wire.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, fingerprintCollector, headerValue, jsList, meantOrigins, q, unique, withNeededHeaders, withNeededMethods } from './common.js';

// @fastify/cors `defaultOptions.methods`: 'GET,HEAD,POST' since 11.0 (fastify-cors#359), before
// that the cors package's 'GET,HEAD,PUT,PATCH,POST,DELETE'. An array option is joined with ', '.
const DEFAULT_METHODS = 'GET,HEAD,POST';
const OLD_DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const SIMPLE = ['GET', 'HEAD', 'POST'];

/** Node writes these itself, capitalised, even where the framework lower-cases its own names. */
const NODE_OWN = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  const text = e.body?.text?.trim() ?? '';
  // fastify/lib/errors.js codes, in the default error serializer's {"statusCode","code","error","message"}.
  const code = /^\{"statusCode":\d{3},"code":"(FST_[A-Z_]+)"/.exec(text)?.[1];
  if (code) add(`${e.status} body "code":"${code}" is a Fastify error code`, 'strong');
  // fastify/lib/fourOhFour.js: the default 404 for a method and URL no route serves.
  const route = /^\{"message":"Route ([A-Z]+:\S*) not found","error":"Not Found","statusCode":404\}$/.exec(text)?.[1];
  if (route) add(`404 body {"message":"Route ${route} not found",…} is Fastify's default 404`, 'strong');
  // @fastify/cors strictPreflight refusal.
  if (e.status === 400 && text === 'Invalid Preflight Request') add('400 "Invalid Preflight Request" is @fastify/cors\' strictPreflight answer', 'strong');
  if (!code && !route && /^\{"statusCode":\d{3},"error":"[^"]+","message":/.test(text)) {
    add(`${e.status} body {"statusCode":…,"error":…,"message":…} has the shape of Fastify's default error serializer (hapi's Boom shares it)`, 'weak');
  }

  for (const headers of answerAndPaired(e)) {
    for (const [name, value] of headers) {
      if (name.toLowerCase() !== 'access-control-allow-methods') continue;
      const lower = name === 'access-control-allow-methods';
      // A lower-case name is how @fastify/cors' reply.header() writes it; the cors package keeps case.
      if (value === DEFAULT_METHODS) add(`${name}: ${value} is @fastify/cors' default methods (since 11)${lower ? ', sent with a lower-case name' : ''}`, lower ? 'strong' : 'weak');
      if (value === OLD_DEFAULT_METHODS && lower) add(`${name}: ${value} with a lower-case name is @fastify/cors' default before 11`, 'strong');
    }
  }
  const own = e.headers.filter(([n]) => !NODE_OWN.has(n.toLowerCase()));
  const lowered = own.length > 0 && own.every(([n]) => n === n.toLowerCase()) && e.headers.some(([n]) => n === 'Date');
  if (lowered) add(`header names in lower case (${own[0]?.[0]}) beside Node's own Date: Fastify's reply.header (also hapi, Hono on Node)`, 'weak');
  for (const [name, value] of e.headers) {
    if (name === 'content-type' && value === 'application/json; charset=utf-8') add(`${name}: ${value} (lower-case name) is the type of Fastify's JSON replies (hapi's too)`, 'weak');
  }
  const keepAlive = headerValue(e.headers, 'keep-alive');
  // Fastify's keepAliveTimeout default is 72 s (Node's is 5 s); only seen on a kept-alive connection.
  if (keepAlive !== undefined && /^timeout=72$/.test(keepAlive.trim())) add(`Keep-Alive: ${keepAlive} is Fastify's default keepAliveTimeout (72 s)`, lowered ? 'strong' : 'weak');
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** The plugin's options for the page: its origin, credentials when needed, and the method when the 11.x default lacks it. */
function options(ctx: FixContext, origin: string = q(ctx.origin), credentials = ctx.credentials): string {
  const method = ctx.method.toUpperCase();
  const methods = SIMPLE.includes(method) ? '' : `, methods: ${jsList([...SIMPLE, method])}`;
  return `{ origin: ${origin}${credentials ? ', credentials: true' : ''}${methods} }`;
}

const register = (opts: string) => `await fastify.register(cors, ${opts})`;

function fix(ctx: FixContext): string | undefined {
  const reg = register(options(ctx));
  switch (ctx.code) {
    case 'no-cors':
      return `Register @fastify/cors (npm install @fastify/cors; import cors from '@fastify/cors'): ${reg}${SIMPLE.includes(ctx.method.toUpperCase()) ? '' : ` (its default methods are ${DEFAULT_METHODS} since 11)`}`;
    case 'origin-not-allowed': {
      const thrown =
        ctx.status >= 500
          ? `The origin function refused ${ctx.origin} with an Error, which Fastify answers as a ${ctx.status} without CORS headers: allow ${q(ctx.origin)} in it, and refuse other origins with cb(null, false) rather than cb(new Error(...)). `
          : '';
      return `${thrown}@fastify/cors refuses ${ctx.origin}: an origin matches only with the same scheme, host and port (localhost and 127.0.0.1 differ). Allow it next to the origins you list: ${register(options(ctx, jsList([ctx.origin])))}`;
    }
    case 'origin-fixed-other':
      return `origin names one fixed origin, ${ctx.allowOrigin ?? 'another'}: ${reg}, or origin: ${jsList(unique([ctx.allowOrigin ?? ctx.origin, ctx.origin]))} to allow both (with a list, @fastify/cors echoes the Origin that matches)`;
    case 'origin-malformed': {
      const origins = meantOrigins(ctx);
      if (origins.length === 1) return `@fastify/cors sends a string origin as is, and ${ctx.allowOrigin ?? 'it'} is not an origin (scheme://host:port, no trailing slash or path): ${reg}`;
      return `@fastify/cors sends a string origin as is, so a comma-separated list goes out as one invalid value: pass an array in the plugin's options: origin: ${jsList(origins)} (from an environment variable: process.env.CORS_ORIGIN.split(','))`;
    }
    case 'wildcard-with-credentials':
      return `credentials: true with origin '*' (the plugin's default): name the page's origin: ${register(options(ctx, q(ctx.origin), true))}`;
    case 'credentials-not-allowed':
      return `@fastify/cors sends Access-Control-Allow-Credentials only with credentials: true: ${register(options(ctx, q(ctx.origin), true))}`;
    case 'duplicate-layers':
      return `The CORS headers are sent twice: keep @fastify/cors alone: remove the header a proxy in front of Fastify adds too (nginx add_header), or a reply.raw.setHeader(...) / onSend hook that writes it a second time`;
    case 'route-overrides':
      return `The ${ctx.path} route sets its own Access-Control-Allow-Origin over what @fastify/cors sent: remove reply.header('Access-Control-Allow-Origin', ${q(ctx.allowOrigin ?? '*')}) from the ${ctx.path} route; for a route that needs other CORS options, give it config: { cors: { ... } }`;
    case 'auth-before-cors':
      return `Fastify runs onRequest hooks in the order they are added, and a preflight never carries credentials, so the authentication answered ${ctx.status} before @fastify/cors ran: register @fastify/cors before the authentication hook: ${reg} first, then fastify.addHook('onRequest', authenticate). @fastify/cors answers preflights in its own onRequest hook for this; keep its hook option at 'onRequest'`;
    case 'preflight-unhandled':
      return `Nothing answers OPTIONS ${ctx.path} (status ${ctx.status}): headers set in handlers or hooks do not make an OPTIONS route. Register @fastify/cors, which adds an OPTIONS * route and answers preflights: ${reg}, and drop the hand-set headers`;
    case 'preflight-status':
      return `The preflight carries CORS headers but status ${ctx.status}: they are set by hand while no route answers OPTIONS ${ctx.path}. Register @fastify/cors instead of the hand-written headers: ${reg}`;
    case 'error-without-cors':
      return `The ${ctx.status} was answered before @fastify/cors added its headers: a later hook option (hook: 'preHandler' or 'preValidation' run after body parsing and validation), or an onRequest hook or plugin added before it. Use hook: 'onRequest' (the default) and register @fastify/cors before other plugins; Fastify keeps headers set in onRequest on its error answers. Then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `The preflight passed (the plugin's OPTIONS * route answered it) but ${ctx.method} ${ctx.path} answered without CORS headers: @fastify/cors skips a route with config: { cors: false }: remove config: { cors: false } from the ${ctx.method} ${ctx.path} route (or, if the route lives in a scope the plugin is not registered in, register it at the root)`;
    case 'method-not-allowed': {
      const allowed = ctx.allowedMethods.length ? ctx.allowedMethods : DEFAULT_METHODS.split(',');
      const methods = withNeededMethods(ctx, allowed);
      return `@fastify/cors allows ${allowed.join(',')} (its default is ${DEFAULT_METHODS} since 11): add ${ctx.method} in the plugin's options: methods: ${jsList(methods)}`;
    }
    case 'header-not-allowed': {
      const headers = withNeededHeaders(ctx);
      return `allowedHeaders lacks ${ctx.missingHeaders.join(', ') || 'the headers the page sends'}: allowedHeaders: ${jsList(headers)} (or leave allowedHeaders out: @fastify/cors then reflects Access-Control-Request-Headers)`;
    }
    case 'redirect-before-cors':
      return `A redirect (${ctx.status}${ctx.location ? ` to ${ctx.location}` : ''}) answered before @fastify/cors ran, and a preflight may never be redirected: register @fastify/cors before the hook that redirects, and call the final URL directly`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers but ${ctx.location ?? 'its target'} did not: register @fastify/cors at the root so every route gets them: ${reg}`;
    case 'redirect-to-login':
      return `${ctx.method} ${ctx.path} was redirected to a sign-in page${ctx.location ? ` (${ctx.location})` : ''}${ctx.allowOrigin === null ? ' that sends no CORS headers' : ''}: answer API calls without a session with reply.code(401).send({ error: 'unauthenticated' }) instead of reply.redirect(...), and let the page send the user to sign in`;
  }
}

export const fastify: StackProfile = {
  name: 'fastify',
  title: 'Fastify with @fastify/cors',
  recognise: fingerprints,
  fix,
};
