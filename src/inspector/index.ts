/** The inspector: a live page of every exchange (issue 16). */
export { createInspector, Inspector, HISTORY_LIMIT, type InspectorInfo, type InspectorOptions } from './server.js';
