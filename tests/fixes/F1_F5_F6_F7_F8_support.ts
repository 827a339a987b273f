/**
 * Shared body of fixes-a's fix tests (F1, F5, F6, F7, F8): a fix removes its finding's
 * committed counterexamples when applied alone, and, on a reduced budget of every
 * campaign, breaks no property that its base does not already break.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseCounterexample, type CounterexampleFile } from '../../counterexamples/format';
import { replayFile } from '../../counterexamples/replay';
import { CAMPAIGNS } from '../../explore/campaigns';
import { survey } from '../../explore/fastcheck';
import { variantByName } from '../../model/variants/registry';

/** Every committed counterexample whose "finding" field is `id`, with its file name. */
export function counterexamplesOf(id: string): { name: string; ce: CounterexampleFile }[] {
  return readdirSync('counterexamples')
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, ce: parseCounterexample(readFileSync(`counterexamples/${f}`, 'utf8'), f) }))
    .filter((x) => x.ce.finding === id);
}

/**
 * Each counterexample of `id` reproduces on its variant and not on `<variant>+<id>`.
 * `filedElsewhere` names files recorded under `id` whose cause the fix experiment puts
 * elsewhere: the fix leaves them and the named fix alone removes them.
 */
export function itRemovesItsCounterexamples(id: string, expected: number, filedElsewhere: Readonly<Record<string, string>> = {}): void {
  it(`${id} alone removes its ${expected} committed counterexample(s)`, () => {
    const all = counterexamplesOf(id);
    expect(all.length).toBe(expected + Object.keys(filedElsewhere).length);
    for (const { name, ce } of all) {
      expect(replayFile(ce, name).reproduced, `${name} no longer reproduces on ${ce.variant}`).toBe(true);
      const fixed = replayFile({ ...ce, variant: `${ce.variant}+${id}` }, name);
      const other = filedElsewhere[name];
      if (other === undefined) {
        expect(fixed.reproduced, `${name} still breaks ${ce.property} on ${ce.variant}+${id}`).toBe(false);
      } else {
        expect(fixed.reproduced, `${name}: expected ${id} to leave it (it is ${other}'s)`).toBe(true);
        expect(replayFile({ ...ce, variant: `${ce.variant}+${other}` }, name).reproduced, `${name} still breaks ${ce.property} on ${ce.variant}+${other}`).toBe(false);
      }
    }
  });
}

/**
 * For every campaign: the survey of `base+id` breaks no property the same survey of `base`
 * does not. `unmasked` are known findings the fix uncovers (a run that BUGged before now
 * reaches them); they are fixed on both sides, so the comparison shows that they, and
 * nothing new, explain the difference.
 */
export function itAddsNothing(id: string, base: string, runs: number, unmasked: readonly string[] = []): void {
  const before = [base, ...unmasked].join('+');
  const after = [base, ...unmasked, id].join('+');
  it.each(CAMPAIGNS.map((c) => [c.name, c] as const))(`${after} breaks nothing that ${before} does not, in %s (${runs} runs)`, (_name, c) => {
    const b = survey(variantByName(before), c, runs);
    const a = survey(variantByName(after), c, runs);
    const added = [...a.violated].filter(([p]) => !b.violated.has(p)).map(([p, e]) => `${p}: ${e.message} (run ${e.firstRun})`);
    expect(added, `${after} vs ${before} on ${c.name}`).toEqual([]);
  });
}
