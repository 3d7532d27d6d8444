/** The page's model (served as /js/model.js): grouping, folding repeats, filters. Pure, tested in Node. */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const MODEL_JS = String.raw`// The page's model, pure (no DOM): the records as they came, grouped the way a reader follows
// them (a preflight with the call it let through, a redirect chain), repeats folded into a counter,
// and the filters. Tested in Node (test/inspector/model.test.ts).

export const VERDICTS = ['blocked', 'depends', 'ok', 'not-cors'];
const SEVERITY = { 'not-cors': 0, ok: 1, depends: 2, blocked: 3 };

// The verdict as the terminal shows it: a call that fails only with credentials, from a page that
// shows no sign of sending them, works (ok, with a note); with a sign it depends.
export function shownVerdict(record) {
  if (record.verdict === 'blocked') return 'blocked';
  if (record.verdict === 'conditional') return record.credentialsSign ? 'depends' : 'ok';
  if (record.verdict === 'not-cors') return 'not-cors';
  return 'ok';
}

export function isProblem(record) {
  const shown = shownVerdict(record);
  return Boolean(record.upstream) || shown === 'blocked' || shown === 'depends';
}

// Two exchanges with this key read the same: the second is a repeat ("same as #3").
export function repeatKey(r) {
  return [r.stage, r.method, r.url, r.origin || '', r.status, r.verdict, r.chrome ? r.chrome.code : '',
    r.upstream ? r.upstream.code : '', r.credentialsSign || '', r.redirectedFrom || '', r.patched ? 'patched' : '',
    r.notCors || ''].join('\n');
}

export function searchText(r) {
  return ['#' + r.id, r.method, r.url, r.origin || '', r.target || '', String(r.status), r.msg || '', r.chrome ? r.chrome.code + '\n' + r.chrome.message : '',
    r.cause || '', r.diagnosis ? r.diagnosis.code + '\n' + (r.diagnosis.stack || '') : '', r.upstream ? r.upstream.code : ''].join('\n').toLowerCase();
}

const isRedirect = (r) => r.status >= 300 && r.status < 400;

// The other browsers that reach another verdict than Chrome on this exchange, as the record's
// browsers field says (disagrees() in log/browsers.ts): the list marks their rows.
const OTHER_BROWSERS = [['firefox', 'Firefox'], ['safari', 'Safari']];
export function disagreements(r) {
  const out = [];
  for (const [browser, name] of OTHER_BROWSERS) {
    const other = r.browsers && r.browsers[browser];
    if (other && other.verdict !== r.verdict) out.push({ browser, name, verdict: other.verdict });
  }
  return out;
}

// entries: { seq, time, record, lines, run } in arrival order. Returns the model.
export function createModel(options) {
  const limit = (options && options.limit) || 5000;
  const model = {
    entries: [],
    units: [],
    collapse: true,
    counts: { blocked: 0, depends: 0, ok: 0, 'not-cors': 0 },
    problems: 0,
    add,
    setCollapse,
    rowByKey: (key) => rows.get(key),
  };
  let rows = new Map();       // run:id -> its row (a repeat maps to the row it folded into)
  let tops = new Map();       // run + repeat key -> top-level row, for folding
  let chains = new Map();     // run + origin + first URL -> the last redirect row of the chain
  let unitCounter = 0;
  let lastRun;

  function reset() {
    model.units = [];
    model.counts = { blocked: 0, depends: 0, ok: 0, 'not-cors': 0 };
    model.problems = 0;
    rows = new Map();
    tops = new Map();
    chains = new Map();
    lastRun = undefined;
  }

  // Adds one entry; returns { unit, row, kind: 'unit' | 'child' | 'repeat' }.
  function add(entry) {
    model.entries.push(entry);
    if (model.entries.length > limit) {
      // Past the bound, the oldest tenth goes at once and the structure is made again.
      model.entries.splice(0, Math.ceil(limit / 10));
      rebuild();
      return { rebuilt: true };
    }
    return place(entry);
  }

  function setCollapse(on) {
    model.collapse = on;
    rebuild();
  }

  function rebuild() {
    reset();
    for (const entry of model.entries) place(entry);
  }

  function place(entry) {
    const r = entry.record;
    const run = entry.run || '';
    const shown = shownVerdict(r);
    model.counts[shown] = (model.counts[shown] || 0) + 1;
    if (isProblem(r)) model.problems++;
    const key = repeatKey(r);
    const parent = parentOf(r, run);
    if (model.collapse) {
      const same = parent ? parent.children.find((c) => c.key === key) : tops.get(run + '\n' + key);
      if (same) {
        same.entries.push(entry);
        rows.set(run + ':' + r.id, same);
        noteChain(same, r, run);
        return { unit: same.unit, row: same, kind: 'repeat' };
      }
    }
    const row = { id: run + ':' + r.id, key, entries: [entry], children: [], parent, depth: parent ? parent.depth + 1 : 0, unit: null };
    rows.set(row.id, row);
    let kind = 'child';
    if (parent) {
      parent.children.push(row);
      row.unit = parent.unit;
    } else {
      // The first group after corscope restarted says so (a page keeps what it had).
      row.unit = { id: ++unitCounter, head: row, run, newRun: lastRun !== undefined && lastRun !== run };
      lastRun = run;
      model.units.push(row.unit);
      tops.set(run + '\n' + key, row);
      kind = 'unit';
    }
    noteChain(row, r, run);
    return { unit: row.unit, row, kind };
  }

  // A preflight and the call it let through are one group; a redirect's next hop follows it.
  function parentOf(r, run) {
    if (r.preflight) {
      const preflight = rows.get(run + ':' + r.preflight);
      if (preflight) return preflight;
    }
    if (r.redirectedFrom) {
      const tip = chains.get(run + '\n' + (r.origin || '') + '\n' + r.redirectedFrom);
      if (tip) return tip;
    }
    return null;
  }

  function noteChain(row, r, run) {
    if (r.stage !== 'request' || !isRedirect(r)) return;
    chains.set(run + '\n' + (r.origin || '') + '\n' + (r.redirectedFrom || r.url), row);
  }

  return model;
}

// The rows of a unit in reading order (depth first).
export function unitRows(unit) {
  const out = [];
  const walk = (row) => {
    out.push(row);
    for (const child of row.children) walk(child);
  };
  walk(unit.head);
  return out;
}

export function unitSummary(unit) {
  let worst = 'not-cors';
  let problem = false;
  const stages = new Set();
  for (const row of unitRows(unit)) {
    const r = row.entries[0].record;
    const shown = shownVerdict(r);
    if (SEVERITY[shown] > SEVERITY[worst]) worst = shown;
    if (isProblem(r)) problem = true;
    stages.add(r.stage);
  }
  return { worst, problem, stages };
}

// filter: { verdicts: Set of shown verdicts, stage: 'all' | 'preflight' | 'request', onlyProblems, text }
export function unitVisible(unit, filter) {
  const summary = unitSummary(unit);
  if (!filter.verdicts.has(summary.worst)) return false;
  if (filter.onlyProblems && !summary.problem) return false;
  if (filter.stage !== 'all' && !summary.stages.has(filter.stage)) return false;
  const text = (filter.text || '').trim().toLowerCase();
  if (!text) return true;
  return unitRows(unit).some((row) => row.entries.some((e) => searchText(e.record).includes(text)));
}
`;
