/**
 * Where a JSON text stops being JSON, as line:column, for a person opening the file. V8's messages
 * give a position only sometimes ("Unexpected token …" has none), so a small scanner finds it.
 * It runs only after JSON.parse has failed.
 */

export interface JsonErrorPlace {
  readonly line: number;
  readonly column: number;
  /** True when the text simply ends too early (a truncated download or export). */
  readonly truncated: boolean;
  readonly message: string;
}

export function locateJsonError(text: string): JsonErrorPlace {
  const scanner = new Scanner(text);
  let offset: number;
  let message: string;
  try {
    scanner.value();
    scanner.space();
    if (scanner.pos < text.length) throw new ScanError(scanner.pos, 'unexpected text after the end of the JSON value');
    // JSON.parse failed yet the scanner did not: report V8's complaint at the end.
    offset = text.length;
    message = 'invalid JSON';
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    offset = err.offset;
    message = err.message;
  }
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column, truncated: offset >= text.length, message };
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  private fail(expected: string): never {
    if (this.pos >= this.text.length) throw new ScanError(this.pos, `the file ends where ${expected} should be (truncated?)`);
    throw new ScanError(this.pos, `expected ${expected}, found '${this.text[this.pos]}'`);
  }

  value(): void {
    this.space();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail('a value');
  }

  private object(): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') return void this.pos++;
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail('a double-quoted property name');
      this.string();
      this.space();
      if (this.text[this.pos] !== ':') this.fail("':'");
      this.pos++;
      this.value();
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] === '}') return void this.pos++;
      else this.fail("',' or '}'");
    }
  }

  private array(): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') return void this.pos++;
    for (;;) {
      this.value();
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] === ']') return void this.pos++;
      else this.fail("',' or ']'");
    }
  }

  private string(): void {
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"') return void this.pos++;
      if (c < ' ') throw new ScanError(this.pos, 'a control character inside a string');
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) throw new ScanError(this.pos, 'a bad \\u escape');
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) throw new ScanError(this.pos, 'a bad escape');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.fail("the string's closing '\"'");
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match || match[0] === '' || match[0] === '-') this.fail('a number');
    this.pos += match[0].length;
  }
}
