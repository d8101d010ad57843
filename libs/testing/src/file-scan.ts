import { existsSync, readFileSync } from 'node:fs';
import type { Db } from '@gatehouse/storage';

/** A personal value found in a database's bytes, with the table (or index) whose page holds it. */
export interface FileHit {
  file: 'database' | 'wal';
  label: string;
  page: number;
  /** The table or index owning the page now, or `free` (a page on the free list). */
  owner: string;
}

export interface Needle {
  label: string;
  bytes: Buffer;
}

/** A text value as it could sit in a file: its UTF-8 bytes, and as JSON escapes it inside a string. */
export const textNeedles = (label: string, value: string): Needle[] => {
  const escaped = JSON.stringify(value).slice(1, -1);
  return [
    { label, bytes: Buffer.from(value, 'utf8') },
    ...(escaped === value ? [] : [{ label: `${label} (JSON-escaped)`, bytes: Buffer.from(escaped, 'utf8') }]),
  ];
};

const offsetsOf = (haystack: Buffer, needle: Buffer): number[] => {
  const found: number[] = [];
  for (
    let at = haystack.indexOf(needle);
    at !== -1 && found.length < 1000;
    at = haystack.indexOf(needle, at + 1)
  )
    found.push(at);
  return found;
};

/** WAL layout (sqlite.org/fileformat.html): a 32-byte header, then frames of a 24-byte header and a page. */
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/**
 * Every place where one of `needles` sits in the database file at `path` or
 * in its WAL, read as bytes (what a copy of the files would give), each named
 * by the page's owner (from the `dbstat` table) so a failure says where.
 */
export const scanDatabaseFiles = (db: Db, path: string, needles: readonly Needle[]): FileHit[] => {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const owners = new Map(
    (db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [
      r.pageno,
      r.name,
    ]),
  );
  const ownerOf = (page: number) => owners.get(page) ?? 'free';
  const hits: FileHit[] = [];
  const file = readFileSync(path);
  const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0);
  for (const n of needles) {
    for (const at of offsetsOf(file, n.bytes)) {
      const page = Math.floor(at / pageSize) + 1;
      hits.push({ file: 'database', label: n.label, page, owner: ownerOf(page) });
    }
    for (const at of offsetsOf(wal, n.bytes)) {
      const frame = Math.floor((at - WAL_HEADER) / (FRAME_HEADER + pageSize));
      const page = at < WAL_HEADER ? 0 : wal.readUInt32BE(WAL_HEADER + frame * (FRAME_HEADER + pageSize));
      hits.push({ file: 'wal', label: n.label, page, owner: ownerOf(page) });
    }
  }
  return hits;
};
