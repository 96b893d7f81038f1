/**
 * What the parsers of Portico's three filter languages share (OData `$filter`, SCIM filters and
 * PATCH paths, dynamic membership rules): a token list that ends in `eof`, read by a cursor that
 * stays on `eof`, the left-associative `and`/`or` chains, parenthesized expressions and the nesting
 * limit. Each language keeps its own tokens, grammar and messages.
 */

export interface Token<K extends string> {
  kind: K;
  /** The source text (for strings: the unescaped value). */
  text: string;
  pos: number;
}

/**
 * Tokenizes `input`: whitespace separates tokens; `read` reads the token at `i` into `tokens` and
 * returns where the next one starts. The list ends with an `eof` token at the input's length.
 */
export function scanTokens<K extends string>(
  input: string,
  read: (i: number, tokens: Token<K | 'eof'>[]) => number,
): Token<K | 'eof'>[] {
  const tokens: Token<K | 'eof'>[] = [];
  let i = 0;
  while (i < input.length) {
    if (/\s/.test(input[i] as string)) i++;
    else i = read(i, tokens);
  }
  tokens.push({ kind: 'eof', text: '', pos: input.length });
  return tokens;
}

export abstract class TokenCursor<K extends string, Node> {
  private i = 0;
  private depth = 0;

  constructor(
    protected readonly tokens: readonly Token<K | 'eof'>[],
    private readonly maxDepth: number,
  ) {}

  /** The error for `t` where `expected` should stand. */
  protected abstract unexpected(t: Token<K | 'eof'>, expected: string): Error;
  /** The error for an expression nested deeper than the limit, at `pos`. */
  protected abstract tooDeep(pos: number): Error;
  /** Is `t` the logical keyword `word` (`and`, `or`)? */
  protected abstract isKeyword(t: Token<K | 'eof'>, word: string): boolean;

  protected peek(offset = 0): Token<K | 'eof'> {
    // The token list always ends with 'eof'; clamp so look-ahead past it stays on 'eof'.
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token<K | 'eof'>;
  }

  protected next(): Token<K | 'eof'> {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  protected expect(kind: K | 'eof', expected: string): Token<K | 'eof'> {
    const t = this.peek();
    if (t.kind !== kind) throw this.unexpected(t, expected);
    return this.next();
  }

  /** `operand (word operand)*`, joined from the left (`a and b and c` is `(a and b) and c`). */
  protected chain(word: string, operand: () => Node, join: (left: Node, right: Node, op: Token<K | 'eof'>) => Node): Node {
    let left = operand();
    while (this.isKeyword(this.peek(), word)) {
      const op = this.next();
      left = join(left, operand(), op);
    }
    return left;
  }

  /** `f` one level deeper, refused past the nesting limit (at `pos`). */
  protected nested<T>(pos: number, f: () => T): T {
    if (++this.depth > this.maxDepth) throw this.tooDeep(pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** `'(' inner ')'`, the cursor on the `(`. */
  protected parenthesized(inner: () => Node): Node {
    this.next();
    const node = inner();
    this.expect(')' as K, "')'");
    return node;
  }
}
