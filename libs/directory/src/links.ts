import type { Db } from '@gatehouse/storage';

/**
 * The cardholders the last applied sync found in the directory (ids only,
 * table `directory_links`). `replace` runs inside the journal's transaction
 * of the `directory.synced` entry: the links and their entry commit together.
 */
export class SqliteLinks {
  constructor(private readonly db: Db) {}

  load(): Set<string> {
    const rows = this.db.prepare('SELECT cardholder_id FROM directory_links').all() as {
      cardholder_id: string;
    }[];
    return new Set(rows.map((r) => r.cardholder_id));
  }

  replace(ids: readonly string[], at: number): void {
    this.db.prepare('DELETE FROM directory_links').run();
    const insert = this.db.prepare('INSERT INTO directory_links (cardholder_id, linked_at) VALUES (?, ?)');
    for (const id of ids) insert.run(id, at);
  }
}
