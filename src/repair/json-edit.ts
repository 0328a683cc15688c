/**
 * Rewrites one device of paired.json in place: the value of one top-level member replaced, every other byte of
 * the file kept (a hand edit elsewhere, say a trailing newline, stays until OpenClaw's own next write). The value is
 * located by jsonc-parser, a maintained JSON parser, not by byte searches of our own, and only its bytes are replaced.
 */
import { applyEdits, visit } from 'jsonc-parser';

/** JSON.stringify(value, null, 2) as it reads one level down (the value of a top-level key): how OpenClaw writes a device. */
export function serializeNested(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
}

/**
 * `text` with the value of its top-level member `key` replaced by `value`, every other byte as it was; undefined
 * when that member is not written exactly as OpenClaw writes it (then the caller rewrites the whole file the way
 * OpenClaw would): a second member with the same key (JSON.parse keeps the last, an edit of either would be
 * wrong), a value that is not an object, another layout, a carriage return or a byte-order mark anywhere.
 * `parse` reads a value as the caller parsed the whole file (number texts kept), for the layout check.
 */
export function replaceMemberInPlace(text: string, key: string, value: unknown, parse: (text: string) => unknown): string | undefined {
  if (text.includes('\r') || text.startsWith('\uFEFF')) return undefined;
  try {
    return editMember(text, key, value, parse);
  } catch {
    // jsonc-parser walks the text recursively: a value nested deeper than its stack allows (a few thousand
    // levels, fewer than JSON.parse takes) ends in an error. The whole-file rewrite then decides, as OpenClaw would.
    return undefined;
  }
}

function editMember(text: string, key: string, value: unknown, parse: (text: string) => unknown): string | undefined {
  const found = findTopLevelMember(text, key);
  if (!found) return undefined;
  const oldText = text.slice(found.offset, found.offset + found.length);
  if (serializeNested(parse(oldText)) !== oldText) return undefined;
  // The old value is written as OpenClaw writes it one level down, so the new one is written the same way in its place.
  return applyEdits(text, [{ offset: found.offset, length: found.length, content: serializeNested(value) }]);
}

/**
 * Where the object value of the root object's only member `key` lies in `text`, found by jsonc-parser's visitor: one
 * pass of its scanner, no tree. A store of 10,000 devices is ~11 MiB; a tree of it (parseTree, and modify, which
 * builds one again) took over a GiB of memory, where the visitor needs none beyond the text.
 */
function findTopLevelMember(text: string, key: string): { offset: number; length: number } | undefined {
  let depth = 0;
  let rootIsObject = false;
  let members = 0;
  /** Set between the key's name and the start of its value. */
  let atKey = false;
  let start: number | undefined;
  let end: number | undefined;
  let error = false;
  const valueStarts = (isObject: boolean, offset: number) => {
    if (atKey && isObject) start = offset;
    atKey = false;
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => {
        if (depth === 0) rootIsObject = true;
        if (depth === 1) valueStarts(true, offset);
        depth++;
        // What a device holds is not looked at, only where it ends.
        return depth <= 1;
      },
      onObjectEnd: (offset, length) => {
        depth--;
        if (depth === 1 && start !== undefined && end === undefined) end = offset + length;
      },
      onArrayBegin: () => {
        if (depth === 1) valueStarts(false, 0);
        depth++;
        return false;
      },
      onArrayEnd: () => {
        depth--;
      },
      onLiteralValue: () => {
        if (depth === 1) valueStarts(false, 0);
      },
      onObjectProperty: (property) => {
        if (depth !== 1 || property !== key) return;
        members++;
        atKey = true;
      },
      onError: () => {
        error = true;
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  if (error || !rootIsObject || members !== 1 || start === undefined || end === undefined) return undefined;
  return { offset: start, length: end - start };
}
