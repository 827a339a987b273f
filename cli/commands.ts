/**
 * Every subcommand, in the order `--help` lists them. To add one, write cli/NAME_cmd.ts
 * exporting a `Command` (cli/command.ts) and add it here.
 */
import type { Command } from './command';
import { AUDIT, CHECK } from './check_cmd';
import { AUDIT_IRQ } from './audit_irq_cmd';
import { DISCOVER } from './discover';
import { LIST } from './list_cmd';
import { PCT } from './pct_cmd';
import { REPLAY } from './replay_cmd';
import { REPORT } from './report_cmd';
import { WORKLOAD } from './workload_cmd';
import { RUN } from './run_cmd';

/** The subcommands. */
export const COMMANDS: readonly Command[] = [AUDIT, CHECK, REPLAY, REPORT, LIST, DISCOVER, AUDIT_IRQ, PCT, WORKLOAD, RUN];
