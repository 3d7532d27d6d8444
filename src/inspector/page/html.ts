/** The inspector's page (/). Its script and style are separate files so the CSP can forbid inline code. */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>corscope inspector</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/inspector.css">
<script type="module" src="/js/main.js"></script>
</head>
<body>
<header class="bar">
  <h1 class="brand">corscope <span>inspector</span></h1>
  <div class="context" id="context"></div>
  <div class="status" id="status" role="status" data-state="connecting">connecting…</div>
</header>
<nav class="tools" aria-label="Filters">
  <div class="group" role="group" aria-label="Verdict">
    <button type="button" class="chip v-blocked" data-verdict="blocked" aria-pressed="true">blocked <span class="n">0</span></button>
    <button type="button" class="chip v-depends" data-verdict="depends" aria-pressed="true">depends <span class="n">0</span></button>
    <button type="button" class="chip v-ok" data-verdict="ok" aria-pressed="true">ok <span class="n">0</span></button>
    <button type="button" class="chip v-not-cors" data-verdict="not-cors" aria-pressed="true">not CORS <span class="n">0</span></button>
  </div>
  <div class="group segmented" role="group" aria-label="Stage">
    <button type="button" data-stage="all" aria-pressed="true">all</button>
    <button type="button" data-stage="preflight" aria-pressed="false">preflights</button>
    <button type="button" data-stage="request" aria-pressed="false">requests</button>
  </div>
  <label class="toggle"><input type="checkbox" id="only-problems"> only problems</label>
  <label class="toggle"><input type="checkbox" id="collapse" checked> fold repeats</label>
  <input type="search" id="search" placeholder="Search URL and message" aria-label="Search URL and message" autocomplete="off" spellcheck="false">
  <button type="button" id="clear" title="Clear the list (corscope keeps its history)">clear</button>
</nav>
<div class="notice" id="notice" role="alert" hidden></div>
<main class="split">
  <section class="list" id="list" tabindex="0" aria-label="Exchanges">
    <table id="exchanges">
      <thead><tr>
        <th class="c-time">time</th><th class="c-verdict">verdict</th><th class="c-id">#</th><th class="c-method">method</th>
        <th class="c-url">URL</th><th class="c-origin">origin</th><th class="c-status">status</th><th class="c-duration">duration</th><th class="c-code">Chrome's code</th>
      </tr></thead>
    </table>
    <p class="empty" id="empty">Waiting for exchanges…</p>
  </section>
  <section class="detail" id="detail" aria-label="The exchange" tabindex="-1" hidden></section>
</main>
<footer class="keys"><kbd>↑</kbd><kbd>↓</kbd> move <kbd>Enter</kbd> open <kbd>/</kbd> search <kbd>Esc</kbd> close <span id="secrets"></span></footer>
</body>
</html>
`;
