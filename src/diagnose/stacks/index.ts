/** Every stack corscope recognises, one file each: adding a stack is adding a file and a line here. */
import type { StackName, StackProfile } from '../types.js';

export const STACKS: readonly StackProfile[] = [];

export const STACK_BY_NAME: ReadonlyMap<StackName, StackProfile> = new Map(STACKS.map((s) => [s.name, s]));
