/**
 * Rewrites one device of paired.json in place: the value of one top-level member replaced, every other byte of
 * the file kept (a hand edit elsewhere, say a trailing newline, stays until OpenClaw's own next write). Located
 * and edited with jsonc-parser, a maintained format-preserving JSON editor, not by byte searches of our own.
 */
import { applyEdits, modify, parseTree } from 'jsonc-parser';

/** As OpenClaw writes its state files: 2-space indentation, \n line ends. */
const OPENCLAW_FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/** JSON.stringify(value, null, 2) as it reads one level down (the value of a top-level key). */
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
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  if (root?.type !== 'object') return undefined;
  const members = (root.children ?? []).filter((member) => member.children?.[0]?.value === key);
  const old = members.length === 1 ? members[0]!.children?.[1] : undefined;
  if (old?.type !== 'object') return undefined;
  const oldText = text.slice(old.offset, old.offset + old.length);
  if (serializeNested(parse(oldText)) !== oldText) return undefined;
  return applyEdits(text, modify(text, [key], value, OPENCLAW_FORMAT));
}
