#!/usr/bin/env node
// The `vmapcheck` command (package.json "bin"): runs the TypeScript sources through tsx's
// loader in this process, so `npx vmapcheck …` works after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../cli/main.ts');
await cli();
