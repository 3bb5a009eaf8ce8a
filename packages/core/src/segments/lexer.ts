import { diagnostic, type Diagnostic, type Span } from './diagnostics.js';

/** A token of rule text. Words (keywords and field names alike) are `word`; the parser decides. */
export type Token =
  | { kind: 'word'; text: string; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: number; text: string; span: Span }
  | { kind: 'symbol'; text: Symbol; span: Span }
  | { kind: 'end'; span: Span };

export type Symbol = '(' | ')' | '[' | ']' | ',' | '.' | '=' | '!=' | '<' | '<=' | '>' | '>=';

const symbols: Symbol[] = ['!=', '<=', '>=', '(', ')', '[', ']', ',', '.', '=', '<', '>'];

/** Splits rule text into tokens; bad characters and unclosed strings become diagnostics, not exceptions. */
export function tokenize(text: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else if (d === c) {
          closed = true;
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (!closed) diagnostics.push(diagnostic('syntax-error', `unclosed string: add a closing ${c}`, { start, end: text.length }));
      const unstorable = unstorableCharacter(value);
      if (unstorable)
        diagnostics.push(
          diagnostic('invalid-value', `the text contains ${unstorable}, which cannot be stored: remove it`, { start, end: i }),
        );
      tokens.push({ kind: 'string', value, span: { start, end: i } });
      continue;
    }
    const number = /^-?(\d+(\.\d+)?|\.\d+)/.exec(text.slice(i, i + 40));
    if (number && (c !== '-' || !/[\w)\]]/.test(previousNonSpace(text, i)))) {
      i += number[0].length;
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], span: { start, end: i } });
      continue;
    }
    const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i, i + 200));
    if (word) {
      // A trailing dash belongs to the next token, not the word ("x-" is rare; "trial-ending" is a key, not a word here).
      const match = word[0].replace(/-+$/, '');
      i += match.length;
      tokens.push({ kind: 'word', text: match, span: { start, end: i } });
      continue;
    }
    const symbol = symbols.find((s) => text.startsWith(s, i));
    if (symbol) {
      i += symbol.length;
      tokens.push({ kind: 'symbol', text: symbol, span: { start, end: i } });
      continue;
    }
    diagnostics.push(diagnostic('syntax-error', `unexpected character ${JSON.stringify(c)}`, { start, end: start + 1 }));
    i++;
  }
  tokens.push({ kind: 'end', span: { start: text.length, end: text.length } });
  return { tokens, diagnostics };
}

/**
 * NUL and lone surrogates: PostgreSQL's text cannot hold them, so a rule comparing against one
 * could never be stored or run. Named so the user can find it (it is often invisible).
 */
function unstorableCharacter(value: string): string | undefined {
  const match = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return code === 0 ? 'the NUL character (U+0000)' : `a lone surrogate (U+${code.toString(16).toUpperCase()}) that is not a character`;
}

function previousNonSpace(text: string, index: number): string {
  for (let j = index - 1; j >= 0; j--) if (!/\s/.test(text[j]!)) return text[j]!;
  return '';
}
