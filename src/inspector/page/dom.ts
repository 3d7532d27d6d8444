/** DOM helpers (/js/dom.js): values from the network become text nodes, never markup. */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const DOM_JS = String.raw`// Building DOM from values that came from the network: every value becomes a text node or an
// attribute, never markup: no string from the network is ever parsed as HTML.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = String(value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  add(el, children);
  return el;
}

export function add(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return el;
}

const pad = (n, w) => String(n).padStart(w || 2, '0');

export function clock(ms) {
  const d = new Date(ms);
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
}

export function duration(ms) {
  if (typeof ms !== 'number') return '';
  return ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : ms + ' ms';
}

export const VERDICT_WORDS = { blocked: 'blocked', depends: 'depends', ok: 'ok', 'not-cors': 'not CORS' };

export function copyButton(text, label) {
  const button = h('button', { class: 'copy', type: 'button', title: 'Copy to the clipboard' }, label || 'copy');
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'copied';
    } catch {
      button.textContent = 'copy failed';
    }
    setTimeout(() => (button.textContent = label || 'copy'), 1200);
  });
  return button;
}
`;
