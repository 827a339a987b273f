/**
 * Lifecycle benchmark: one `tlb_alias` transition through XState's pure transition() versus
 * through the lookup table derived from the same machine (what the hot path uses).
 * Prints medians of 7 repetitions and their ratio; no assertions.
 */
import { transition } from 'xstate';
import { TLB_ALIAS, TLB_EV, tlbAliasMachine } from '../model/lifecycles/tlb_alias';
import { step } from '../model/lifecycles/instance';

const EVENTS = ['SET_PTE', 'FILL', 'RELEASE', 'CLEAR_PTE', 'FLUSH'] as const;
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function xstateRate(n: number): number {
  let snap = tlbAliasMachine.resolveState({ value: 'unmapped', context: {} });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) [snap] = transition(tlbAliasMachine, snap, { type: EVENTS[i % EVENTS.length]! });
  return n / ((performance.now() - t0) / 1000);
}

function tableRate(n: number): number {
  const evs = EVENTS.map((e) => TLB_EV[e]);
  let s = TLB_ALIAS.initial;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    s = step(TLB_ALIAS, s, evs[i % evs.length]!);
    sink += s;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  if (sink === -1) console.log(sink);
  return rate;
}

xstateRate(20_000);
tableRate(2_000_000);
const xs: number[] = [];
const ts: number[] = [];
for (let r = 0; r < 7; r++) {
  xs.push(xstateRate(50_000));
  ts.push(tableRate(5_000_000));
}
console.log(`vmapcheck lifecycle benchmark (node ${process.version})`);
console.log(`xstate transition():   median ${Math.round(median(xs)).toLocaleString('en')} transitions/s`);
console.log(`derived lookup table:  median ${Math.round(median(ts)).toLocaleString('en')} transitions/s`);
console.log(`ratio (table / xstate): ${Math.round(median(ts) / median(xs)).toLocaleString('en')}x`);
