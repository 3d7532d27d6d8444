/** The page's entry point (/js/main.js): stream -> model -> list and detail, filters, keyboard. */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const MAIN_JS = String.raw`// The inspector page: the stream feeds the model, the model the list and the opened exchange.
// DOM work is done once per animation frame, however many records came in meanwhile.
import { connect } from './connection.js';
import { renderDetail } from './detail.js';
import { h } from './dom.js';
import { createList } from './list.js';
import { createModel, isProblem, VERDICTS } from './model.js';

const $ = (selector) => document.querySelector(selector);
const listPane = $('#list');
const table = $('#exchanges');
const detail = $('#detail');
const search = $('#search');
const onlyProblems = $('#only-problems');
const collapse = $('#collapse');
const statusEl = $('#status');
const contextEl = $('#context');
const notice = $('#notice');

let model = createModel();
const filter = { verdicts: new Set(VERDICTS), stage: 'all', onlyProblems: false, text: '' };
let onlyProblemsTouched = false;
let instance = null;
let opened = null; // { key, entry } of the exchange shown in the detail pane
let historyLimit = 1000;

const list = createList(table, $('#empty'), { open: (row) => open(row) });

// Rendering, batched per frame.
const dirty = new Set();
let full = true;
let frame = 0;
function schedule() {
  if (!frame) frame = requestAnimationFrame(flush);
}
function flush() {
  frame = 0;
  const stick = listPane.scrollHeight - listPane.scrollTop - listPane.clientHeight < 24;
  const openRow = opened ? model.rowByKey(opened.key) : undefined;
  const refresh = openRow && (full || dirty.has(openRow.unit));
  if (full) list.renderAll(model, filter);
  else for (const unit of dirty) list.update(unit, filter);
  full = false;
  dirty.clear();
  list.showEmpty(model);
  counts();
  if (refresh) {
    const scroll = detail.scrollTop;
    renderDetail(detail, openRow, openRow.entries.includes(opened.entry) ? opened.entry : openRow.entries[0], detailContext);
    detail.scrollTop = scroll;
  }
  if (stick) listPane.scrollTop = listPane.scrollHeight;
}
function rerender() {
  full = true;
  schedule();
}

function counts() {
  for (const verdict of VERDICTS) {
    const n = $('[data-verdict="' + verdict + '"] .n');
    if (n) n.textContent = String(model.counts[verdict] || 0);
  }
  const blocked = model.counts.blocked || 0;
  document.title = (blocked ? blocked + ' blocked \u00b7 ' : '') + 'corscope inspector';
}

// The opened exchange.
const detailContext = {
  close: () => closeDetail(),
  show: (row, entry) => open(row, entry),
  goTo: (id) => {
    if (!opened) return;
    const run = model.rowByKey(opened.key)?.unit.run ?? '';
    const row = model.rowByKey(run + ':' + id);
    if (row) {
      list.select(row.id);
      open(row);
    }
  },
};
function open(row, entry) {
  opened = { key: row.id, entry: entry || row.entries[0] };
  document.body.classList.add('detail-open');
  renderDetail(detail, row, opened.entry, detailContext);
  detail.scrollTop = 0;
}
function closeDetail() {
  opened = null;
  detail.hidden = true;
  detail.replaceChildren();
  document.body.classList.remove('detail-open');
  listPane.focus();
}

// The stream.
function onExchange(data) {
  const entry = { seq: data.seq, time: data.time, record: data.record, lines: data.lines, run: instance };
  const placed = model.add(entry);
  if (placed.rebuilt) full = true;
  else dirty.add(placed.unit);
  if (!onlyProblemsTouched && !filter.onlyProblems && isProblem(data.record)) {
    // "Only problems" turns on by itself once there is one (until the user sets it).
    filter.onlyProblems = true;
    onlyProblems.checked = true;
    full = true;
  }
  schedule();
}

function onHello(hello) {
  instance = hello.instance;
  historyLimit = hello.historyLimit || historyLimit;
  const info = hello.info || {};
  const parts = [h('strong', null, info.command || 'corscope')];
  if (Array.isArray(info.targets)) {
    for (const t of info.targets) parts.push(h('span', { class: 'pair' }, h('code', null, String(t.frontend)), ' \u2192 ', h('code', null, String(t.target))));
  } else if (info.listening && info.target) parts.push(h('code', null, info.frontend || info.listening), ' \u2192 ', h('code', null, info.target));
  else if (info.target) parts.push(h('code', null, info.target));
  if (info.file) parts.push(h('code', null, info.file));
  if (info.page) parts.push(' \u00b7 page ', h('code', null, info.page));
  if (info.mode) parts.push(h('span', { class: 'mode' }, info.mode.split(':')[0]));
  contextEl.replaceChildren(...parts.flatMap((p, i) => (i ? [' ', p] : [p])));
  contextEl.title = info.mode || '';
  $('#secrets').textContent = hello.logSecrets
    ? ' · --log-secrets: cookie and authorization values are shown'
    : ' · the records corscope logs, secrets redacted as in the log';
}

function setStatus(state) {
  const words = { connecting: 'connecting\u2026', live: 'live', reconnecting: 'reconnecting\u2026', offline: 'corscope is not running: retrying\u2026' };
  statusEl.textContent = words[state] || state;
  statusEl.dataset.state = state;
}

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = false;
}

setStatus('connecting');
connect({
  hello: onHello,
  exchange: onExchange,
  gap: (gap) => showNotice(gap.missed + ' exchange' + (gap.missed === 1 ? ' was' : 's were') + ' missed while this page was away (corscope keeps the last ' + historyLimit + ').'),
  status: setStatus,
});

// Filters.
for (const chip of document.querySelectorAll('[data-verdict]')) {
  chip.addEventListener('click', () => {
    const verdict = chip.dataset.verdict;
    if (filter.verdicts.has(verdict)) filter.verdicts.delete(verdict);
    else filter.verdicts.add(verdict);
    chip.setAttribute('aria-pressed', String(filter.verdicts.has(verdict)));
    rerender();
  });
}
for (const button of document.querySelectorAll('[data-stage]')) {
  button.addEventListener('click', () => {
    filter.stage = button.dataset.stage;
    for (const b of document.querySelectorAll('[data-stage]')) b.setAttribute('aria-pressed', String(b === button));
    rerender();
  });
}
onlyProblems.addEventListener('change', () => {
  onlyProblemsTouched = true;
  filter.onlyProblems = onlyProblems.checked;
  rerender();
});
collapse.addEventListener('change', () => {
  model.setCollapse(collapse.checked);
  rerender();
});
let typing = 0;
search.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    filter.text = search.value;
    rerender();
  }, 60);
});
$('#clear').addEventListener('click', () => {
  model = createModel();
  model.setCollapse(collapse.checked);
  closeDetail();
  notice.hidden = true;
  rerender();
});
notice.addEventListener('click', () => (notice.hidden = true));

// Keyboard: up/down (or j/k) through the list, Enter to open, / to search, Esc to close.
document.addEventListener('keydown', (event) => {
  const target = event.target;
  const inSearch = target === search;
  if (event.metaKey || event.ctrlKey || event.altKey) return;
  if (event.key === '/' && !target.matches('input, textarea')) {
    event.preventDefault();
    search.focus();
    search.select();
    return;
  }
  if (event.key === 'Escape') {
    if (inSearch) {
      if (search.value) {
        search.value = '';
        filter.text = '';
        rerender();
      }
      search.blur();
      listPane.focus();
    } else if (opened) closeDetail();
    return;
  }
  if (target.matches('input:not([type=search]), textarea, select')) return;
  if (inSearch && event.key !== 'ArrowDown' && event.key !== 'Enter') return;
  if (target.closest('button') && (event.key === 'Enter' || event.key === ' ')) return;
  const moves = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, Home: -Infinity, End: Infinity, PageDown: 10, PageUp: -10 };
  if (event.key in moves && !(inSearch && event.key !== 'ArrowDown')) {
    event.preventDefault();
    if (inSearch) {
      listPane.focus();
      if (!list.shows(list.selected)) {
        const key = list.move(-Infinity);
        if (key && opened) open(model.rowByKey(key));
        return;
      }
    }
    const key = list.move(moves[event.key]);
    if (key && opened) open(model.rowByKey(key));
    return;
  }
  if (event.key === 'Enter') {
    event.preventDefault();
    if (inSearch) {
      listPane.focus();
      // From the search box, Enter opens the first match unless the selection is one of them.
      if (!list.shows(list.selected)) list.move(-Infinity);
    }
    const row = list.selected && model.rowByKey(list.selected);
    if (row) open(row);
  }
});
`;
