/**
 * API misuse (double unmap, wrong count) must be met by a kernel assertion. Misuse ops run
 * only in campaigns that enable them; a BUG/WARN/oops after a misuse op counts as the
 * assertion, and any other broken property after it is silent corruption (reported under
 * that property's own name).
 */
import type { Property } from './property';

/** Forbids a deliberate misuse that no BUG_ON/WARN_ON/oops reported by the end of the run. */
export const misuse_asserted: Property = {
  name: 'misuse_asserted',
  forbids: 'a deliberate API misuse (double unmap, wrong count) that no kernel assertion reports',
  when: 'final',
  check: ({ w }) => {
    const misused = w.user?.misuseOps ?? 0;
    return misused > 0 && w.assertions.length === 0 ? [`${misused} misuse op(s) ran and no BUG_ON, WARN_ON or oops reported any of them`] : [];
  },
};
