/**
 * Where a JSON text is broken, as a line and column a user can jump to (a config file, a HAR).
 * Node 20's JSON.parse names no position for most faults ("Unexpected token '}', ... is not valid
 * JSON"), so after it has thrown, this small scanner walks the text by the grammar of RFC 8259 and
 * stops at the first character that cannot continue it.
 */

export interface JsonFault {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units, as editors count. */
  readonly column: number;
  readonly reason: string;
  /** The text ends before the JSON does (a truncated download or export). */
  readonly truncated: boolean;
}

/** The first fault in `text`; undefined when the text is valid JSON. */
export function findJsonFault(text: string): JsonFault | undefined {
  const scan = new Scan(text);
  try {
    scan.value();
    scan.space();
    if (scan.at < text.length) scan.fail(`${unexpected(text[scan.at]!)} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return { ...lineAndColumn(text, scan.at), reason: err.reason, truncated: scan.at >= text.length };
  }
}

class Stop {
  constructor(readonly reason: string) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrtu';

/** A cursor over the text; each method consumes one production or throws Stop where it breaks. */
class Scan {
  at = 0;
  constructor(private readonly text: string) {}

  fail(reason: string): never {
    throw new Stop(reason);
  }

  space(): void {
    while (' \t\n\r'.includes(this.text[this.at] ?? 'x')) this.at++;
  }

  value(): void {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return;
      }
    }
    this.fail(c === undefined ? 'unexpected end of file' : unexpected(c));
  }

  private object(): void {
    this.at++;
    this.space();
    if (this.text[this.at] === '}') return void this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail(this.text[this.at] === '}' ? "a comma before '}' (JSON allows none after the last member)" : `expected a double-quoted key, ${found(this.text[this.at])}`);
      this.string();
      this.space();
      if (this.text[this.at] !== ':') this.fail(`expected ':' after the key, ${found(this.text[this.at])}`);
      this.at++;
      this.value();
      if (this.next(',', '}')) return;
    }
  }

  private array(): void {
    this.at++;
    this.space();
    if (this.text[this.at] === ']') return void this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === ']') this.fail("a comma before ']' (JSON allows none after the last item)");
      this.value();
      if (this.next(',', ']')) return;
    }
  }

  /** After a member: true at the closing bracket, false at a comma (another member follows). */
  private next(comma: string, close: string): boolean {
    this.space();
    const c = this.text[this.at];
    if (c === close || c === comma) {
      this.at++;
      return c === close;
    }
    return this.fail(`expected '${comma}' or '${close}', ${found(c)}`);
  }

  private string(): void {
    this.at++;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) this.fail('a string is not closed');
      if (c === '"') return void this.at++;
      if (c < ' ') this.fail(c === '\n' ? 'a line break inside a string' : 'a control character inside a string');
      if (c === '\\') {
        const escape = this.text[this.at + 1];
        if (escape === undefined || !ESCAPES.includes(escape)) this.fail(`'\\${escape ?? ''}' is not a JSON escape`);
        if (escape === 'u' && !/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) this.fail("'\\u' takes four hex digits");
        this.at += escape === 'u' ? 6 : 2;
      } else {
        this.at++;
      }
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.at;
    if (!NUMBER.test(this.text)) this.fail(`${unexpected(this.text[this.at]!)}: not a number`);
    this.at = NUMBER.lastIndex;
  }
}

function unexpected(c: string): string {
  return `unexpected ${named(c)}`;
}

function found(c: string | undefined): string {
  return c === undefined ? 'found the end of the file' : `found ${named(c)}`;
}

/** The character quoted, with the reason when it is a habit from JavaScript. */
function named(c: string): string {
  if (c === '/') return "'/' (JSON has no comments)";
  if (c === "'") return `"'" (JSON strings take double quotes)`;
  return c < ' ' ? JSON.stringify(c) : `'${c}'`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
