/**
 * Sites: the C statements of the seed that the model executes as steps.
 *
 * Every scheduling point in a model function yields the Site of the C statement it is
 * about to execute, so traces, splats and lockdep reports can name the function and the
 * statement a reviewer will find in the seed. Sites are created once at module load;
 * yielding one costs nothing on the hot path.
 */

/** One C statement of one model function. */
export interface Site {
  /** Dense id, for coverage arrays. */
  readonly id: number;
  /** The C function (kernel name). */
  readonly fn: string;
  /** The C statement, as written in the seed (abbreviated where long). */
  readonly stmt: string;
}

const registry: Site[] = [];

/** Declare the statements of one C function: `const S = sites('vb_alloc', { lock: 'spin_lock(&vb->lock)' })`. */
export function sites<T extends Record<string, string>>(fn: string, stmts: T): { readonly [K in keyof T]: Site } {
  const out = {} as { [K in keyof T]: Site };
  for (const key of Object.keys(stmts) as (keyof T)[]) {
    const s: Site = Object.freeze({ id: registry.length, fn, stmt: stmts[key] as string });
    registry.push(s);
    out[key] = s;
  }
  return out;
}

/** Every declared site, in declaration order (for statement coverage). */
export function allSites(): readonly Site[] {
  return registry;
}

/** `fn: stmt` for messages. */
export function siteText(s: Site): string {
  return `${s.fn}: ${s.stmt}`;
}
