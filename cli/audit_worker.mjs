// Worker-thread entry of `check --workers N` (tinypool): loads the TypeScript through tsx,
// as bin/vmapcheck.mjs does, and runs one audit task (cli/audit_task.ts).
import { register } from 'tsx/esm/api';

register();
const { runAuditTask, runConsumerTask } = await import('./audit_task.ts');

/** Tinypool calls the default export with the task. */
export default function run(task) {
  return runAuditTask(task);
}

/** `pool.run(name, { name: 'consumers' })`: one consumer's audit. */
export function consumers(name) {
  return runConsumerTask(name);
}
