/**
 * A device id as people read it: the first 8 and last 4 of a 64-hex id. The plan's refusals name a device this way,
 * as every report does (report/wording/words.ts hands it on), so the domain needs no reporter for it.
 */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}
