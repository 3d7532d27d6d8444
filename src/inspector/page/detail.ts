/** One exchange opened (/js/detail.js). */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const DETAIL_JS = String.raw`// One exchange opened: Chrome's line in both wordings, the diagnosis and its fix, what Chrome
// reports next, the warnings, the request and response header lines side by side as they were on
// the wire (what decides the verdict marked, what Chrome refuses highlighted, the patch as a
// diff), the body excerpt, the timing and the record itself. Every value is text.
import { clock, copyButton, duration, h, VERDICT_WORDS } from './dom.js';
import { decidesRequest, decidesResponse, diffLines, highlights } from './headers.js';
import { shownVerdict } from './model.js';

const SIGN_WORDS = {
  'cookies-before': 'this page sent cookies to this API before',
  'allow-credentials': 'the server sends Access-Control-Allow-Credentials: true, so it expects credentialed calls',
};

const REPEATS_SHOWN = 20;

function conditionWords(findings) {
  const f = findings.find((x) => x.severity === 'error' && x.onlyIf);
  if (f && f.onlyIf === 'credentials-include') return "the request is sent with credentials ('include' / withCredentials)";
  if (f && f.onlyIf === 'credentials-not-include') return 'the request is sent without credentials';
  return 'the page sends it that way';
}

function card(title, cls, ...children) {
  return h('section', { class: 'card ' + (cls || '') }, h('h3', null, title), ...children);
}

function field(label, ...value) {
  return h('div', { class: 'field' }, h('span', { class: 'label' }, label), h('div', { class: 'value' }, ...value));
}

/** The answer's cookies corscope rewrote so the browser keeps them, and those Chrome refuses anyway (names only). */
function cookiesCard(cookies) {
  const refused = cookies.some((c) => c.rejected);
  return card(refused ? 'Cookies Chrome refuses' : 'Cookies', refused ? 'bad' : 'cookies', h('ul', null, cookies.map((c) => {
    const changes = [];
    if (c.domain) changes.push('Domain=' + c.domain.from + (c.domain.to === null ? ' dropped (host-only on the browser\'s host)' : ' \u2192 ' + c.domain.to));
    if (c.path) changes.push('Path=' + c.path.from + ' \u2192 ' + c.path.to);
    return h('li', { class: 'cookie' },
      h('code', null, c.name),
      changes.length ? h('span', null, ' rewritten by corscope: ' + changes.join(', ')) : null,
      c.rejected ? h('div', { class: 'bad' }, 'Chrome refuses it (' + c.rejected.code + '): ' + c.rejected.message) : null,
      c.warning ? h('div', { class: 'warn' }, c.warning.message) : null);
  })));
}

export function renderDetail(pane, row, entry, ctx) {
  const r = entry.record;
  const shown = shownVerdict(r);
  pane.replaceChildren();
  pane.hidden = false;
  pane.dataset.key = row.id;

  const related = [];
  if (r.preflight) related.push(h('button', { class: 'link', type: 'button', onclick: () => ctx.goTo(r.preflight) }, 'its preflight #' + r.preflight));
  if (r.request) related.push(h('button', { class: 'link', type: 'button', onclick: () => ctx.goTo(r.request) }, 'the request it let through #' + r.request));
  if (r.redirectedFrom) related.push(h('span', null, 'redirected from ', h('code', null, r.redirectedFrom)));

  pane.append(h('header', { class: 'd-head' },
    h('div', { class: 'd-title' },
      h('span', { class: 'badge v-' + shown }, VERDICT_WORDS[shown]),
      h('h2', null, h('span', { class: 'method' }, r.method), ' ', h('span', { class: 'url' }, r.url)),
      h('button', { class: 'close', type: 'button', title: 'Close (Esc)', 'aria-label': 'Close', onclick: () => ctx.close() }, '\u00d7')),
    h('div', { class: 'd-facts' },
      h('span', null, '#' + r.id + ' ' + r.stage),
      h('span', null, 'status ' + r.status + (r.patched && r.patched.status ? ' (target: ' + r.patched.status.from + ')' : '')),
      h('span', null, 'head after ' + duration(r.durationMs)),
      h('span', null, clock(entry.time)),
      r.origin ? h('span', null, 'origin ', h('code', null, r.origin)) : null,
      // corscope fronting several APIs: the one this exchange went to.
      r.target ? h('span', { class: 'target' }, 'target ', h('code', null, r.target)) : null,
      h('span', null, 'initiator ' + (r.initiator === 'xhr' ? 'XMLHttpRequest' : 'fetch()')),
      h('span', null, 'credentials ' + r.credentials)),
    related.length ? h('div', { class: 'd-related' }, related) : null,
    repeatsLine(row, entry, ctx)));

  if (r.upstream) pane.append(card('No answer from the target', 'bad', field(r.upstream.code, r.upstream.message), field('target', h('code', null, r.upstream.target))));
  if (r.refused) pane.append(card('corscope answered this request itself', 'bad', field(r.refused.code, r.refused.message)));

  if (r.chrome) {
    const words = { fetch: 'fetch()', xhr: 'XMLHttpRequest' };
    const assumed = r.initiator === 'xhr' ? 'xhr' : 'fetch';
    const other = assumed === 'xhr' ? 'fetch' : 'xhr';
    pane.append(card("Chrome's console", 'chrome',
      h('pre', { class: 'console error' }, r.chrome.variants[assumed]),
      h('div', { class: 'console-label' }, h('code', null, r.chrome.code), h('span', null, 'as ' + words[assumed] + ' words it'), copyButton(r.chrome.variants[assumed])),
      h('pre', { class: 'console other' }, r.chrome.variants[other]),
      h('div', { class: 'console-label' }, h('span', null, 'as ' + words[other] + ' words it'), copyButton(r.chrome.variants[other]))));
  }
  if (r.browsers) {
    // What Firefox and Safari do with the same exchange (Chrome stays the headline); a browser
    // that prints nothing for a block says so rather than showing an invented line.
    const BROWSER_VERDICT = { blocked: 'blocked', conditional: 'depends', allowed: 'ok', 'not-cors': 'not-cors' };
    const rows = [['Firefox', r.browsers.firefox], ['Safari', r.browsers.safari]].filter((pair) => pair[1]);
    pane.append(card('Firefox and Safari', 'browsers', rows.map((pair) => {
      const b = pair[1];
      const v = BROWSER_VERDICT[b.verdict] || 'ok';
      return field(pair[0],
        h('span', { class: 'badge v-' + v }, VERDICT_WORDS[v]),
        b.reason ? h('code', null, ' ' + b.reason) : null,
        b.lines && b.lines.length ? h('pre', { class: 'console browser' }, b.lines.join('\n')) : h('p', { class: 'dim' }, b.verdict === 'allowed' ? 'lets it through' : 'prints no console line for it'));
    })));
  }
  if (r.verdict === 'conditional') {
    pane.append(card(r.credentialsSign ? 'Depends on credentials' : 'Works (a note)', r.credentialsSign ? 'warn' : 'note',
      h('p', null, 'Chrome blocks it only if ' + conditionWords(r.findings) + '.'),
      r.credentialsSign ? field('sign', SIGN_WORDS[r.credentialsSign] || r.credentialsSign) : h('p', { class: 'dim' }, 'This page shows no sign of sending credentials to this API.')));
  }
  if (r.diagnosis) {
    const d = r.diagnosis;
    pane.append(card('Why the server sent it', 'diagnosis',
      field('server', h('strong', null, d.code), d.stack ? h('span', { class: 'stack' }, ' \u00b7 ' + d.stack) : null),
      d.evidence && d.evidence.length ? field('seen', h('ul', null, d.evidence.map((e) => h('li', null, e)))) : null,
      field('change', h('div', { class: 'fix' }, h('p', null, d.fix), copyButton(d.fix))),
      d.prediction ? field('next', d.prediction) : null));
  }
  const later = (r.findings || []).slice(r.chrome ? 1 : 0);
  const then = later.filter((f) => f.severity === 'error');
  const warnings = later.filter((f) => f.severity === 'warning');
  pane.append(wireCard(r, entry.lines));
  if (then.length) pane.append(card('Then, once that is fixed', 'then', h('ol', null, then.map((f) => finding(f)))));
  if (warnings.length) pane.append(card('Warnings', 'warn', h('ul', null, warnings.map((f) => finding(f)))));

  if (r.body) pane.append(bodyCard(r));
  if (r.cookies && r.cookies.length) pane.append(cookiesCard(r.cookies));
  pane.append(card('The record', 'record',
    h('details', null, h('summary', null, 'as the log writes it (NDJSON: one line)'), copyButton(JSON.stringify(r), 'copy JSON'), h('pre', { class: 'json' }, JSON.stringify(r, null, 2)))));
}

function repeatsLine(row, entry, ctx) {
  if (row.entries.length < 2) return null;
  const shownEntries = row.entries.slice(-REPEATS_SHOWN);
  return h('div', { class: 'd-repeats' },
    h('span', null, 'Seen ' + row.entries.length + ' times, read the same: '),
    shownEntries.map((e) => h('button', { class: 'link' + (e === entry ? ' current' : ''), type: 'button', title: clock(e.time) + ', ' + duration(e.record.durationMs), onclick: () => ctx.show(row, e) }, '#' + e.record.id)),
    row.entries.length > REPEATS_SHOWN ? h('span', { class: 'dim' }, ' (the last ' + REPEATS_SHOWN + ')') : null);
}

function finding(f) {
  return h('li', null, h('strong', null, f.code), f.onlyIf ? h('span', { class: 'dim' }, f.onlyIf === 'credentials-include' ? ' (only with credentials)' : ' (only without credentials)') : null, ': ' + f.cause,
    f.fix ? h('div', { class: 'dim' }, 'fix: ' + f.fix) : null);
}

function lineItem(line, classes, mark) {
  const value = line[1];
  return h('li', { class: 'line ' + classes.join(' ') },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, mark || ''),
    h('span', { class: 'name' }, line[0]), h('span', { class: 'colon' }, ': '),
    h('span', { class: 'value' + (value === '[redacted]' ? ' redacted' : '') }, value));
}

function pathOf(url) {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function truth(r) {
  return [r.cause ? field('cause', r.cause) : null, r.fix ? field('fix', h('div', { class: 'fix' }, h('p', null, r.fix), copyButton(r.fix))) : null];
}

function wireCard(r, lines) {
  if (!lines) return card('The headers', 'wire', h('p', { class: 'dim' }, 'Their lines were not kept for this exchange.'), truth(r));
  const hl = highlights(r, lines);
  const requestSide = h('ol', { class: 'lines' }, h('li', { class: 'start' }, r.method + ' ' + pathOf(r.url)),
    lines.request.map((l) => {
      const name = l[0].toLowerCase();
      const classes = [];
      if (decidesRequest(name)) classes.push('decides');
      if (hl.request === name) classes.push('against');
      return lineItem(l, classes, decidesRequest(name) ? '\u25cf' : '');
    }));
  const status = r.patched && r.patched.status ? r.patched.status.from : r.status;
  const responseItems = [h('li', { class: 'start' + (hl.status ? ' offending' : '') }, lines.unanswered ? 'no answer from the target: corscope answered' : 'status ' + status)];
  let warned = false;
  const classesOf = (l) => {
    const name = l[0].toLowerCase();
    const classes = [];
    if (decidesResponse(name, status)) classes.push('decides');
    if (hl.response === name) classes.push('offending');
    else if (hl.warned.includes(name)) {
      classes.push('warned');
      warned = true;
    }
    return classes;
  };
  if (lines.sent) {
    if (r.patched && r.patched.status) responseItems.push(h('li', { class: 'line added' }, h('span', { class: 'mark' }, '+'), 'status ' + r.patched.status.to + ' (patched)'));
    for (const d of diffLines(lines.response, lines.sent)) {
      const classes = classesOf(d.line);
      if (d.op === '-') classes.push('removed');
      if (d.op === '+') classes.push('added');
      responseItems.push(lineItem(d.line, classes, d.op === ' ' ? (classes.includes('decides') ? '\u25cf' : '') : d.op === '-' ? '\u2212' : '+'));
    }
  } else {
    for (const l of lines.response) {
      const classes = classesOf(l);
      responseItems.push(lineItem(l, classes, classes.includes('decides') ? '\u25cf' : ''));
    }
  }
  if (hl.missing) responseItems.push(h('li', { class: 'line offending missing' }, h('span', { class: 'mark' }, '!'), h('span', { class: 'name' }, hl.missing), h('span', { class: 'colon' }, ': '), h('span', { class: 'value' }, 'not sent')));
  return card('The headers, as on the wire', 'wire',
    h('div', { class: 'wire-sides' },
      h('div', { class: 'side request' }, h('h4', null, 'Request', h('span', { class: 'dim' }, ' from the browser')), requestSide),
      h('div', { class: 'side response' }, h('h4', null, 'Response', h('span', { class: 'dim' }, lines.sent ? ' from the target, and what --patch changed' : ' from the target')), h('ol', { class: 'lines' }, responseItems))),
    h('p', { class: 'legend' },
      h('span', { class: 'mark' }, '\u25cf'), ' decides the verdict  ',
      hl.response || hl.status ? [h('span', { class: 'swatch offending' }, 'Chrome refuses'), ' '] : null,
      hl.request ? [h('span', { class: 'swatch against' }, 'what it is measured against'), ' '] : null,
      warned ? [h('span', { class: 'swatch warned' }, 'warning'), ' '] : null,
      lines.sent ? [h('span', { class: 'swatch removed' }, '\u2212 removed'), ' ', h('span', { class: 'swatch added' }, '+ added by --patch')] : null),
    truth(r));
}

function bodyCard(r) {
  const b = r.body;
  const size = b.bytes + (b.truncated ? '+' : '') + ' bytes';
  return card('Body excerpt', 'body',
    h('p', { class: 'dim' }, 'The first bytes of the answer, which Chrome hides from the page: ' + r.status + ' ' + (b.type || 'no Content-Type') + ', ' + size + '.'),
    b.text !== undefined ? h('pre', { class: 'body-text' }, b.text) : h('p', { class: 'dim' }, '(not text)'));
}
`;
