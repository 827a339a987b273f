/**
 * Tokens of a `.vmc` line. The format is line-oriented (one directive per line, `#` starts
 * a comment), so the lexer works on one line at a time and every token knows its column.
 */

/** A token kind. */
export type TokKind = 'ident' | 'int' | 'punct' | 'end';

/** One token; `col` is 1-based. */
export interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly col: number;
}

/** A malformed file: where, what was expected and what was found. */
export class ScenarioSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}:${line}:${col}: expected ${expected}, found ${found}`);
  }
}

const PUNCT = new Set([':', ';', '(', ')', ',', '=', '[', ']']);

/** Split one line (comment removed) into tokens; an unknown character is an error. */
export function lexLine(file: string, lineNo: number, text: string): Tok[] {
  const hash = text.indexOf('#');
  const src = hash >= 0 ? text.slice(0, hash) : text;
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(ch)) {
      while (i < src.length && /[A-Za-z0-9_+.-]/.test(src[i]!)) i++;
      out.push({ kind: 'ident', text: src.slice(start, i), col: start + 1 });
    } else if (/[0-9]/.test(ch)) {
      if (src.startsWith('0x', i) || src.startsWith('0X', i)) i += 2;
      while (i < src.length && /[0-9A-Fa-f_]/.test(src[i]!)) i++;
      out.push({ kind: 'int', text: src.slice(start, i), col: start + 1 });
    } else if (PUNCT.has(ch)) {
      out.push({ kind: 'punct', text: ch, col: start + 1 });
      i++;
    } else throw new ScenarioSyntaxError(file, lineNo, start + 1, 'a name, a number or one of : ; ( ) , = [ ]', `'${ch}'`);
  }
  out.push({ kind: 'end', text: '', col: src.trimEnd().length + 1 });
  return out;
}

/** Describe a token for messages. */
export function tokText(t: Tok): string {
  return t.kind === 'end' ? 'end of line' : `'${t.text}'`;
}

/** A cursor over one line's tokens with expectation helpers. */
export class Cursor {
  private i = 0;
  constructor(
    private readonly toks: readonly Tok[],
    private readonly file: string,
    readonly line: number,
  ) {}

  /** The next token, not consumed. */
  peek(): Tok {
    return this.toks[this.i]!;
  }

  /** Consume and return the next token. */
  next(): Tok {
    const t = this.toks[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }

  /** Fail at token `t` (default: the next one). */
  fail(expected: string, t: Tok = this.peek()): never {
    throw new ScenarioSyntaxError(this.file, this.line, t.col, expected, tokText(t));
  }

  /** Consume a punctuation mark. */
  punct(p: string): Tok {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) this.fail(`'${p}'`);
    return this.next();
  }

  /** Consume `p` if it is next. */
  maybe(p: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === p) {
      this.next();
      return true;
    }
    return false;
  }

  /** Consume a name. */
  ident(what: string): Tok {
    if (this.peek().kind !== 'ident') this.fail(what);
    return this.next();
  }

  /** Consume a non-negative integer (decimal or 0x hex). */
  int(what: string, min = 0): number {
    const t = this.peek();
    if (t.kind !== 'int') this.fail(what);
    const v = Number(t.text.replace(/_/g, ''));
    if (!Number.isSafeInteger(v) || v < min) this.fail(`${what} (an integer >= ${min})`);
    this.next();
    return v;
  }

  /** The line must end here. */
  end(): void {
    if (this.peek().kind !== 'end') this.fail('end of line');
  }
}
