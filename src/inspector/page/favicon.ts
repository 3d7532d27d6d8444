/** The tab icon (/favicon.svg). */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const FAVICON_SVG = String.raw`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="14" cy="14" r="9" fill="none" stroke="#0b57d0" stroke-width="3"/><path d="M20.5 20.5 28 28" stroke="#0b57d0" stroke-width="3.5" stroke-linecap="round"/><path d="M10 14h8" stroke="#b3261e" stroke-width="3" stroke-linecap="round"/></svg>
`;
