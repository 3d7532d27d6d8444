/** The list of exchanges and its keyboard selection (/js/list.js). */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const LIST_JS = String.raw`// The list: one row per exchange (repeats folded into a counter), a preflight with the call it let
// through and a redirect chain as one group, kept in arrival order. Arrow keys move the selection,
// Enter opens it.
import { clock, duration, h, VERDICT_WORDS } from './dom.js';
import { disagreements, shownVerdict, unitRows, unitVisible } from './model.js';

// What another browser does where it differs from Chrome (the opened exchange shows its lines).
const OTHER_TAG = { allowed: 'allows', blocked: 'blocks', conditional: 'depends' };
const VERDICT_TITLE = { allowed: 'lets it through', blocked: 'blocks it', conditional: 'blocks it only with credentials', 'not-cors': 'does not judge it' };

function otherBrowserTags(r) {
  return disagreements(r).map((d) => h('span', {
    class: 'tag other-browser',
    'data-browser': d.browser,
    title: d.name + ' ' + VERDICT_TITLE[d.verdict] + '; Chrome ' + VERDICT_TITLE[r.verdict] + '. Open the exchange for what ' + d.name + ' prints.',
  }, d.name + ' ' + (OTHER_TAG[d.verdict] || d.verdict)));
}

// The URL as the host (dim, hidden when the list is narrow) and the path (what tells calls apart).
function urlParts(url) {
  const at = url.indexOf('/', url.indexOf('//') + 2);
  if (url.indexOf('//') < 0 || at < 0) return h('span', { class: 'url' }, url);
  return h('span', { class: 'url' }, h('span', { class: 'host' }, url.slice(0, at)), url.slice(at));
}

export function createList(table, empty, handlers) {
  const bodies = new Map(); // unit id -> its tbody
  let selected = null;      // row id

  function rowElement(row) {
    const first = row.entries[0];
    const r = first.record;
    const shown = shownVerdict(r);
    const repeats = row.entries.length;
    const link = row.depth === 0 ? null : r.preflight && row.parent && row.parent.entries[0].record.stage === 'preflight' ? 'after preflight' : r.redirectedFrom ? 'redirected' : null;
    const status = r.patched && r.patched.status ? r.patched.status.from + '→' + r.patched.status.to : String(r.status);
    const tr = h('tr', { class: 'row v-' + shown + (row.id === selected ? ' selected' : '') + (r.upstream ? ' failed' : ''), 'data-key': row.id, 'aria-selected': row.id === selected ? 'true' : 'false' },
      h('td', { class: 'c-time' }, clock(first.time)),
      h('td', { class: 'c-verdict' }, h('span', { class: 'badge v-' + shown }, VERDICT_WORDS[shown]),
        r.verdict === 'conditional' && !r.credentialsSign ? h('span', { class: 'tag', title: 'blocked only with credentials; this page shows no sign of sending them' }, 'note') : null,
        r.upstream ? h('span', { class: 'tag bad', title: r.upstream.message }, r.upstream.code) : null,
        r.patched ? h('span', { class: 'tag patched', title: 'patched by corscope' }, 'patched') : null,
        otherBrowserTags(r)),
      h('td', { class: 'c-id' }, '#' + r.id, repeats > 1 ? h('span', { class: 'count', title: repeats + ' exchanges read the same; the last was #' + row.entries[repeats - 1].record.id }, '×' + repeats) : null),
      h('td', { class: 'c-method' }, r.method),
      h('td', { class: 'c-url', title: r.url },
        row.depth ? h('span', { class: 'indent' }, '\u2003'.repeat(Math.min(row.depth, 4) - 1) + '\u2514 ') : null,
        r.stage === 'preflight' ? h('span', { class: 'tag stage' }, 'preflight') : null,
        link === 'redirected' ? h('span', { class: 'tag stage' }, 'redirected') : null,
        urlParts(r.url)),
      h('td', { class: 'c-origin' }, r.origin || ''),
      h('td', { class: 'c-status' }, status),
      h('td', { class: 'c-duration' }, duration(r.durationMs)),
      h('td', { class: 'c-code' }, r.chrome ? r.chrome.code : ''));
    tr.addEventListener('click', () => {
      select(row.id);
      handlers.open(row);
    });
    return tr;
  }

  function unitBody(unit) {
    const body = h('tbody', { class: 'unit', 'data-unit': unit.id });
    if (unit.newRun) body.append(h('tr', { class: 'divider' }, h('td', { colspan: 9 }, 'corscope started again: what follows is its new run')));
    for (const row of unitRows(unit)) body.append(rowElement(row));
    return body;
  }

  // Re-renders one group where it stands (or appends it), shown or hidden by the filter.
  function update(unit, filter) {
    const old = bodies.get(unit.id);
    const visible = unitVisible(unit, filter);
    if (!visible) {
      if (old) old.remove();
      bodies.delete(unit.id);
      return;
    }
    const body = unitBody(unit);
    bodies.set(unit.id, body);
    if (old) old.replaceWith(body);
    else insertInOrder(unit, body);
  }

  function insertInOrder(unit, body) {
    // Units arrive in order; a unit made visible again by a new member goes before the next one shown.
    let next = null;
    for (const [id, other] of bodies) if (id > unit.id && other !== body && (!next || id < next.id)) next = { id, other };
    if (next) next.other.before(body);
    else table.append(body);
  }

  function renderAll(model, filter) {
    for (const body of bodies.values()) body.remove();
    bodies.clear();
    const fragment = document.createDocumentFragment();
    for (const unit of model.units) {
      if (!unitVisible(unit, filter)) continue;
      const body = unitBody(unit);
      bodies.set(unit.id, body);
      fragment.append(body);
    }
    table.append(fragment);
    showEmpty(model);
  }

  function showEmpty(model) {
    const any = bodies.size > 0;
    empty.hidden = any;
    if (!any) empty.textContent = model.entries.length ? 'No exchange matches the filters.' : 'Waiting for exchanges…';
  }

  function rowsInView() {
    return [...table.querySelectorAll('tr.row')];
  }

  function select(key) {
    selected = key;
    for (const tr of table.querySelectorAll('tr.selected')) {
      tr.classList.remove('selected');
      tr.setAttribute('aria-selected', 'false');
    }
    const tr = key ? table.querySelector('tr[data-key="' + CSS.escape(key) + '"]') : null;
    if (tr) {
      tr.classList.add('selected');
      tr.setAttribute('aria-selected', 'true');
      tr.scrollIntoView({ block: 'nearest' });
    }
    if (handlers.select) handlers.select(key);
  }

  // Moves the selection by 'delta' visible rows (Home/End: to the ends).
  function move(delta) {
    const trs = rowsInView();
    if (trs.length === 0) return null;
    let index = trs.findIndex((tr) => tr.dataset.key === selected);
    if (delta === -Infinity) index = 0;
    else if (delta === Infinity) index = trs.length - 1;
    else if (index < 0) index = delta > 0 ? 0 : trs.length - 1;
    else index = Math.max(0, Math.min(trs.length - 1, index + delta));
    select(trs[index].dataset.key);
    return selected;
  }

  // Whether the row is in the list as filtered now.
  function shows(key) {
    return Boolean(key) && table.querySelector('tr[data-key="' + CSS.escape(key) + '"]') !== null;
  }

  return { update, renderAll, showEmpty, select, move, shows, get selected() { return selected; } };
}
`;
