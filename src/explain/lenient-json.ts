/**
 * A forgiving reader for JSON/JSON5 as people paste it: fragments (`"scopes": [...]` with no braces),
 * `...`/`…` elisions, trailing commas, unquoted keys, cut-off ends. It never throws; whatever it cannot
 * place is skipped. Output: every object found, with the key path that leads to it.
 */

export type JValue = string | number | boolean | null | JObject | JValue[];
export interface JObject {
  [key: string]: JValue;
}

type Token = { t: 'str' | 'word' | 'punct'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /"((?:[^"\\\n]|\\.)*)"?|'((?:[^'\\\n]|\\.)*)'|([{}[\]:,])|([A-Za-z0-9_$.+\-…]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined || m[2] !== undefined) tokens.push({ t: 'str', v: (m[1] ?? m[2])!.replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) tokens.push({ t: 'punct', v: m[3] });
    else if (m[4] !== undefined) tokens.push({ t: 'word', v: m[4] });
  }
  return tokens;
}

/** Far deeper than any real paste; beyond it a container is skipped, so no input can exhaust the call stack. */
const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private scalar(tok: Token): JValue | undefined {
    if (tok.t === 'str') return tok.v;
    if (tok.v === 'true') return true;
    if (tok.v === 'false') return false;
    if (tok.v === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(tok.v)) return Number(tok.v);
    return undefined; // elisions and stray words
  }

  value(): JValue | undefined {
    const tok = this.peek();
    if (!tok) return undefined;
    if (tok.t === 'punct' && (tok.v === '{' || tok.v === '[')) {
      if (this.depth >= MAX_DEPTH) return this.skipContainer();
      this.i++;
      this.depth++;
      try {
        return tok.v === '{' ? this.objectBody('}') : this.arrayBody();
      } finally {
        this.depth--;
      }
    }
    if (tok.t === 'punct') return undefined;
    this.i++;
    return this.scalar(tok);
  }

  /** Steps over one container and everything inside it, without recursion; it yields no value. */
  private skipContainer(): undefined {
    let open = 0;
    do {
      const v = this.tokens[this.i++]!;
      if (v.t === 'punct' && (v.v === '{' || v.v === '[')) open++;
      else if (v.t === 'punct' && (v.v === '}' || v.v === ']')) open--;
    } while (open > 0 && this.i < this.tokens.length);
    return undefined;
  }

  private arrayBody(): JValue[] {
    const items: JValue[] = [];
    while (this.i < this.tokens.length) {
      const tok = this.peek()!;
      if (tok.t === 'punct' && tok.v === ']') {
        this.i++;
        break;
      }
      if (tok.t === 'punct' && (tok.v === ',' || tok.v === ':' || tok.v === '}')) {
        this.i++;
        if (tok.v === '}') break;
        continue;
      }
      const v = this.value();
      if (v !== undefined) items.push(v);
    }
    return items;
  }

  /** Key/value pairs until `close` (or the end, for a top-level fragment). */
  objectBody(close: '}' | null): JObject {
    const obj: JObject = {};
    while (this.i < this.tokens.length) {
      const tok = this.peek()!;
      if (tok.t === 'punct' && tok.v === close) {
        this.i++;
        break;
      }
      if (close && tok.t === 'punct' && tok.v === ']') {
        this.i++;
        break;
      }
      const next = this.tokens[this.i + 1];
      if ((tok.t === 'str' || tok.t === 'word') && next?.t === 'punct' && next.v === ':') {
        this.i += 2;
        const v = this.value();
        if (v !== undefined) obj[tok.v] = v;
        continue;
      }
      if (tok.t === 'punct' && (tok.v === '{' || tok.v === '[')) {
        // A nameless object/array at this level (a top-level array of records, or an elided key).
        const v = this.value();
        if (v !== undefined) obj[`#${this.i}`] = v;
        continue;
      }
      this.i++;
    }
    return obj;
  }
}

export function parseLenient(text: string): JObject {
  return new Parser(tokenize(text)).objectBody(null);
}

export interface FoundObject {
  path: string[];
  value: JObject;
}

export function isObject(v: JValue | undefined): v is JObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every object in the tree (the root included), with the keys that lead to it. */
export function allObjects(root: JObject): FoundObject[] {
  const out: FoundObject[] = [];
  const walk = (v: JValue, path: string[]) => {
    if (Array.isArray(v)) v.forEach((item) => walk(item, path));
    else if (isObject(v)) {
      out.push({ path, value: v });
      for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
    }
  };
  walk(root, []);
  return out;
}

export function stringList(v: JValue | undefined): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((s): s is string => typeof s === 'string');
}
