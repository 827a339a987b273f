/**
 * One measured run of bench/workers.bench.ts: `vmapcheck <args>` in this fresh process, then
 * the CPU time it used (user + system, every thread: the worker threads' and V8's background
 * compiler and marker threads') written beside the reports as `cpu.json`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main';

const args = process.argv.slice(2);
const code = await main(args);
const u = process.cpuUsage();
const out = args[args.indexOf('--out') + 1]!;
writeFileSync(join(out, 'cpu.json'), JSON.stringify({ cpu: (u.user + u.system) / 1e6 }) + '\n');
process.exitCode = code;
