/** The installed versions of this folder's packages, for a stack's describe(). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NPM_STACKS = path.dirname(fileURLToPath(import.meta.url));

export function version(name) {
  const file = path.join(NPM_STACKS, 'node_modules', name, 'package.json');
  if (!fs.existsSync(file)) throw new Error(`${name} is not installed: run npm ci --prefix test/servers/npm-stacks`);
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

/** Spawns `node <app> <scenario> <port>` in this folder, where the packages resolve. */
export function nodeApp(app, scenario, port) {
  return { cmd: process.execPath, args: [app, scenario, String(port)], cwd: NPM_STACKS };
}
