/** The inspector's style (/inspector.css), light and dark. */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const PAGE_CSS = String.raw`:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f1f1f; --dim: #5f6368; --line: #e3e5e8; --panel: #f8f9fa; --hover: #f1f3f4;
  --sel: #d3e3fd; --sel-fg: #0b57d0; --accent: #0b57d0;
  --blocked: #b3261e; --blocked-bg: #fce8e6; --depends: #9a5b00; --depends-bg: #fef3d6;
  --ok: #146c2e; --ok-bg: #e4f3e8; --notcors: #5f6368; --notcors-bg: #eef0f2;
  --against-bg: #e8f0fe; --against: #0b57d0; --added-bg: #e6f4ea; --removed-bg: #fce8e6;
  --console-bg: #fdf2f2; --console-border: #f4c7c3;
  --mono: ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #1e1f22; --fg: #e3e3e3; --dim: #9aa0a6; --line: #34363a; --panel: #26282c; --hover: #2c2f33;
    --sel: #0f3a6d; --sel-fg: #a8c7fa; --accent: #a8c7fa;
    --blocked: #f2b8b5; --blocked-bg: #4a1d1b; --depends: #f6d37c; --depends-bg: #3d3115; --ok: #8fd6a0; --ok-bg: #17331f;
    --notcors: #9aa0a6; --notcors-bg: #2c2f33; --against-bg: #16304f; --against: #a8c7fa; --added-bg: #17331f; --removed-bg: #4a1d1b;
    --console-bg: #2e1b1b; --console-border: #5c2b29;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body {
  margin: 0; display: flex; flex-direction: column; background: var(--bg); color: var(--fg);
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
}
code, pre, .c-url, .c-origin, .c-method, .c-status, .c-code, .lines { font-family: var(--mono); font-size: 12px; }
button { font: inherit; color: inherit; }
[hidden] { display: none !important; }

.bar { display: flex; align-items: center; gap: 16px; padding: 8px 14px; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { margin: 0; font-size: 15px; font-weight: 700; letter-spacing: -.01em; white-space: nowrap; }
.brand span { font-weight: 400; color: var(--dim); }
.context { flex: 1; min-width: 0; color: var(--dim); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.context strong { color: var(--fg); margin-right: 4px; }
.context code { color: var(--fg); }
.context .mode { margin-left: 8px; padding: 1px 7px; border-radius: 9px; background: var(--hover); color: var(--fg); }
.status { white-space: nowrap; font-weight: 600; color: var(--dim); }
.status::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--dim); vertical-align: 1px; }
.status[data-state="live"] { color: var(--ok); }
.status[data-state="live"]::before { background: var(--ok); }
.status[data-state="reconnecting"], .status[data-state="offline"] { color: var(--depends); }
.status[data-state="reconnecting"]::before, .status[data-state="offline"]::before { background: var(--depends); }

.tools { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; padding: 7px 14px; border-bottom: 1px solid var(--line); }
.group { display: flex; gap: 4px; }
.chip, .segmented button, #clear {
  border: 1px solid var(--line); background: var(--bg); border-radius: 14px; padding: 2px 10px; cursor: pointer;
}
.chip .n { font-variant-numeric: tabular-nums; color: var(--dim); margin-left: 2px; }
.chip[aria-pressed="false"] { opacity: .45; text-decoration: line-through; }
.chip.v-blocked[aria-pressed="true"] { background: var(--blocked-bg); color: var(--blocked); border-color: transparent; }
.chip.v-depends[aria-pressed="true"] { background: var(--depends-bg); color: var(--depends); border-color: transparent; }
.chip.v-ok[aria-pressed="true"] { background: var(--ok-bg); color: var(--ok); border-color: transparent; }
.chip.v-not-cors[aria-pressed="true"] { background: var(--notcors-bg); color: var(--notcors); border-color: transparent; }
.segmented { gap: 0; }
.segmented button { border-radius: 0; margin-left: -1px; }
.segmented button:first-child { border-radius: 14px 0 0 14px; margin-left: 0; }
.segmented button:last-child { border-radius: 0 14px 14px 0; }
.segmented button[aria-pressed="true"] { background: var(--sel); color: var(--sel-fg); border-color: var(--sel); }
.toggle { display: flex; align-items: center; gap: 4px; white-space: nowrap; cursor: pointer; }
#search { flex: 1; min-width: 180px; max-width: 420px; padding: 4px 10px; border: 1px solid var(--line); border-radius: 14px; background: var(--bg); color: var(--fg); font: inherit; }
#search:focus, .list:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.notice { padding: 6px 14px; background: var(--depends-bg); color: var(--depends); cursor: pointer; border-bottom: 1px solid var(--line); }

.split { flex: 1; display: flex; min-height: 0; }
.list { flex: 1; min-width: 0; overflow: auto; outline: none; }
body.detail-open .list { flex: 0 0 38%; border-right: 1px solid var(--line); }
body.detail-open .c-origin, body.detail-open .c-duration, body.detail-open .c-time, body.detail-open .c-code, body.detail-open .c-url .host { display: none; }
table { width: 100%; border-collapse: collapse; table-layout: auto; }
thead th {
  position: sticky; top: 0; z-index: 1; background: var(--panel); text-align: left; font-weight: 600; color: var(--dim);
  padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; font-family: inherit; font-size: 12px;
}
td { padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; vertical-align: middle; }
tbody.unit tr.row { cursor: pointer; }
tbody.unit tr.row:hover { background: var(--hover); }
tbody.unit tr.row.selected { background: var(--sel); }
tbody.unit tr.row.selected td { color: var(--sel-fg); }
tbody.unit tr.row.selected .badge { color: inherit; }
tbody.unit tr.row + tr.row td { border-top-color: transparent; }
tr.row.v-blocked .c-url .url, tr.row.failed .c-url .url { color: var(--blocked); }
tr.divider td { background: var(--panel); color: var(--dim); font-style: italic; text-align: center; }
.c-time, .c-duration, .c-status, .c-id { font-variant-numeric: tabular-nums; color: var(--dim); }
.c-duration, .c-status { text-align: right; }
.c-url { width: 100%; max-width: 0; overflow: hidden; text-overflow: ellipsis; }
.c-url .indent { color: var(--dim); white-space: pre; }
.c-url .host { color: var(--dim); }
.c-origin { color: var(--dim); max-width: 220px; overflow: hidden; text-overflow: ellipsis; }
.c-method { font-weight: 600; }
.c-code { color: var(--dim); }
.count { margin-left: 5px; padding: 0 6px; border-radius: 8px; background: var(--accent); color: var(--bg); font-size: 11px; font-weight: 700; }
.badge { display: inline-block; min-width: 58px; text-align: center; padding: 0 7px; border-radius: 4px; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.badge.v-blocked { background: var(--blocked-bg); color: var(--blocked); }
.badge.v-depends { background: var(--depends-bg); color: var(--depends); }
.badge.v-ok { background: var(--ok-bg); color: var(--ok); }
.badge.v-not-cors { background: var(--notcors-bg); color: var(--notcors); }
.tag { display: inline-block; margin: 0 5px 0 0; padding: 0 5px; border-radius: 4px; font-size: 11px; background: var(--hover); color: var(--dim); font-family: system-ui, sans-serif; }
.c-verdict .tag { margin: 0 0 0 5px; }
.tag.bad { background: var(--blocked-bg); color: var(--blocked); }
.tag.patched { background: var(--against-bg); color: var(--against); }
.tag.other-browser { background: var(--depends-bg); color: var(--depends); }
.empty { color: var(--dim); padding: 28px; text-align: center; }

.detail { flex: 1; min-width: 0; overflow: auto; padding: 0 18px 28px; background: var(--bg); outline: none; }
.d-head { position: sticky; top: 0; z-index: 1; background: var(--bg); padding: 12px 0 8px; border-bottom: 1px solid var(--line); margin-bottom: 10px; }
.d-title { display: flex; align-items: center; gap: 10px; }
.d-title h2 { flex: 1; min-width: 0; margin: 0; font-size: 14px; font-weight: 600; font-family: var(--mono); overflow-wrap: anywhere; }
.d-title .method { color: var(--dim); }
.close { border: 0; background: none; font-size: 22px; line-height: 1; cursor: pointer; color: var(--dim); padding: 0 4px; }
.d-facts, .d-related, .d-repeats { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px; color: var(--dim); }
.link { border: 0; background: none; color: var(--accent); cursor: pointer; padding: 0; text-decoration: underline; text-underline-offset: 2px; }
.link.current { font-weight: 700; text-decoration: none; }
.card { margin: 14px 0; }
.card h3 { margin: 0 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--dim); }
.card.bad h3 { color: var(--blocked); }
.field { display: grid; grid-template-columns: 64px 1fr; gap: 10px; margin: 4px 0; }
.field .label { color: var(--dim); text-align: right; padding-top: 1px; }
.field .value { min-width: 0; overflow-wrap: anywhere; }
.field ul, .card ol, .card ul { margin: 0; padding-left: 18px; }
.field li { margin: 2px 0; }
.fix { display: flex; gap: 8px; align-items: flex-start; }
.fix p { margin: 0; flex: 1; padding: 6px 9px; border-radius: 6px; background: var(--ok-bg); }
.copy { flex: none; border: 1px solid var(--line); background: var(--bg); border-radius: 5px; padding: 1px 8px; cursor: pointer; font-size: 11.5px; color: var(--dim); }
.copy:hover { color: var(--fg); }
.stack { color: var(--dim); }
.console-line { margin: 0 0 8px; }
.console-label { display: flex; align-items: center; gap: 8px; color: var(--dim); font-size: 12px; margin: 3px 0 8px; }
.console-label code { color: var(--fg); font-weight: 600; }
.console.browser { margin-top: 4px; color: var(--fg); font-size: 11.5px; }
.console.other { padding: 3px 10px; background: none; border-style: dashed; color: var(--dim); font-size: 11.5px; }
.console { margin: 0; padding: 6px 10px; border: 1px solid var(--console-border); border-radius: 6px; background: var(--console-bg); color: var(--blocked); white-space: pre-wrap; overflow-wrap: anywhere; }
.card .code { margin: 2px 0 0; color: var(--dim); }
.dim { color: var(--dim); }
.wire-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.side { min-width: 0; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.side h4 { margin: 0; padding: 5px 9px; background: var(--panel); border-bottom: 1px solid var(--line); font-size: 12px; }
.side h4 .dim { font-weight: 400; }
.lines { list-style: none; margin: 0; padding: 4px 0; }
/* Each line reads as on the wire, wrapping under itself (a hanging indent), its mark in the gutter. */
.lines li { position: relative; padding: 1px 9px 1px 40px; text-indent: -22px; overflow-wrap: anywhere; }
.lines li.start { color: var(--dim); font-weight: 600; }
.lines .mark { position: absolute; left: 4px; width: 12px; text-indent: 0; color: var(--accent); font-size: 9px; line-height: 18px; text-align: center; }
.lines .name { font-weight: 600; }
.lines .colon { color: var(--dim); }
.lines .value.redacted { color: var(--dim); font-style: italic; }
.lines li.decides .name { color: var(--accent); }
.lines li.offending { background: var(--blocked-bg); box-shadow: inset 3px 0 var(--blocked); }
.lines li.offending .name, .lines li.offending .value { color: var(--blocked); }
.lines li.offending .mark { color: var(--blocked); font-size: 12px; font-weight: 700; }
.lines li.start.offending { color: var(--blocked); }
.lines li.missing .value { font-style: italic; }
.lines li.against { background: var(--against-bg); box-shadow: inset 3px 0 var(--against); }
.lines li.warned { background: var(--depends-bg); }
.lines li.removed { background: var(--removed-bg); text-decoration: line-through; text-decoration-color: var(--blocked); }
.lines li.added { background: var(--added-bg); }
.lines li.removed .mark, .lines li.added .mark { font-size: 12px; font-weight: 700; color: var(--fg); }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; color: var(--dim); font-size: 12px; margin: 8px 0 0; }
.legend .mark { color: var(--accent); font-size: 9px; }
.swatch { padding: 0 6px; border-radius: 3px; }
.swatch.offending { background: var(--blocked-bg); color: var(--blocked); }
.swatch.against { background: var(--against-bg); color: var(--against); }
.swatch.warned { background: var(--depends-bg); color: var(--depends); }
.swatch.removed { background: var(--removed-bg); }
.swatch.added { background: var(--added-bg); }
.body-text, .json { margin: 6px 0 0; padding: 8px 10px; border-radius: 6px; background: var(--panel); white-space: pre-wrap; overflow-wrap: anywhere; max-height: 320px; overflow: auto; }
details summary { cursor: pointer; color: var(--dim); margin-bottom: 6px; }
details .copy { margin-left: 4px; }
.keys { padding: 4px 14px; border-top: 1px solid var(--line); color: var(--dim); font-size: 12px; background: var(--panel); }
kbd { display: inline-block; min-width: 18px; text-align: center; padding: 0 4px; margin-right: 3px; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; background: var(--bg); font: 11px var(--mono); }
.keys kbd + kbd { margin-left: -1px; }
@media (max-width: 900px) {
  .split { flex-direction: column; }
  body.detail-open .list { flex: 0 0 40%; border-right: 0; border-bottom: 1px solid var(--line); }
  .wire-sides { grid-template-columns: 1fr; }
}
`;
