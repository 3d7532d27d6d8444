/** Every stack corscope recognises, one file each: adding a stack is adding a file and a line here. */
import { aiohttp } from './aiohttp.js';
import { apache } from './apache.js';
import { aspnetcore } from './aspnetcore.js';
import { caddy } from './caddy.js';
import { django } from './django.js';
import { express } from './express.js';
import { fastapi } from './fastapi.js';
import { fastify } from './fastify.js';
import { flask } from './flask.js';
import { go } from './go.js';
import { hapi } from './hapi.js';
import { hono } from './hono.js';
import { koa } from './koa.js';
import { nestjs } from './nestjs.js';
import { nginx } from './nginx.js';
import { rack } from './rack.js';
import { spring } from './spring.js';
import type { StackName, StackProfile } from '../types.js';

export const STACKS: readonly StackProfile[] = [aiohttp, apache, aspnetcore, caddy, django, express, fastapi, fastify, flask, go, hapi, hono, koa, nestjs, nginx, rack, spring];

export const STACK_BY_NAME: ReadonlyMap<StackName, StackProfile> = new Map(STACKS.map((s) => [s.name, s]));
