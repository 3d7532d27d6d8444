/**
 * The page's files, served from memory: plain HTML, CSS and ES modules, no build step and nothing
 * from a CDN (the page works offline).
 */
import { CONNECTION_JS } from './connection.js';
import { PAGE_CSS } from './css.js';
import { DETAIL_JS } from './detail.js';
import { DOM_JS } from './dom.js';
import { FAVICON_SVG } from './favicon.js';
import { HEADERS_JS } from './headers.js';
import { PAGE_HTML } from './html.js';
import { LIST_JS } from './list.js';
import { MAIN_JS } from './main.js';
import { MODEL_JS } from './model.js';

export interface Asset {
  readonly type: string;
  readonly body: string;
}

const JS = 'text/javascript; charset=utf-8';

const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['/', { type: 'text/html; charset=utf-8', body: PAGE_HTML }],
  ['/inspector.css', { type: 'text/css; charset=utf-8', body: PAGE_CSS }],
  ['/favicon.svg', { type: 'image/svg+xml', body: FAVICON_SVG }],
  ['/js/main.js', { type: JS, body: MAIN_JS }],
  ['/js/connection.js', { type: JS, body: CONNECTION_JS }],
  ['/js/model.js', { type: JS, body: MODEL_JS }],
  ['/js/headers.js', { type: JS, body: HEADERS_JS }],
  ['/js/dom.js', { type: JS, body: DOM_JS }],
  ['/js/list.js', { type: JS, body: LIST_JS }],
  ['/js/detail.js', { type: JS, body: DETAIL_JS }],
]);

export function asset(path: string): Asset | undefined {
  return ASSETS.get(path);
}

/** The page's ES modules by name (tests import the pure ones into Node). */
export const MODULES = { model: MODEL_JS, headers: HEADERS_JS } as const;
