import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendars become runtime data an admin manages (`/calendars`), which the scheduler reads instead of the design's:
 * - `calendars.label`; a design import upserts its calendars (and replaces their design leaves).
 * - `calendar_leaves`: every leave belongs to a calendar (deleted with it); it is the whole calendar's, or one
 *   operator's or one resource's (`operator` / `resource`, at most one); `source` tells a design's leaves
 *   (replaced by the next import) from an admin's (kept).
 * - `resources.label` (an admin may rename a room or machine).
 * - Backfill: the calendars and leaves, and the resources' labels, of the newest design version.
 * `down` restores the previous shape (leaves of one operator or resource lose their calendar).
 */
export class RuntimeCalendars1796510000000 implements MigrationInterface {
  name = 'RuntimeCalendars1796510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calendars ADD COLUMN label text NULL`);
    await q.query(`ALTER TABLE calendar_leaves DROP CONSTRAINT calendar_leaves_one_owner`);
    await q.query(`DELETE FROM calendar_leaves WHERE calendar IS NULL`);
    await q.query(`
      ALTER TABLE calendar_leaves
        ALTER COLUMN calendar SET NOT NULL,
        ADD CONSTRAINT calendar_leaves_calendar_fkey FOREIGN KEY (calendar) REFERENCES calendars (key) ON DELETE CASCADE,
        ADD CONSTRAINT calendar_leaves_one_owner CHECK (num_nonnulls(operator, resource) <= 1),
        ADD CONSTRAINT calendar_leaves_range CHECK (NOT isempty(during)),
        ADD COLUMN source text NOT NULL DEFAULT 'admin'
          CONSTRAINT calendar_leaves_source CHECK (source IN ('design', 'admin'))`);
    await q.query(`CREATE INDEX calendar_leaves_calendar ON calendar_leaves (calendar, id)`);
    await q.query(`
      INSERT INTO calendars (key, label, tz, attendances, holidays)
      SELECT c->>'key', c->>'label', c->>'tz', c->'attendances', COALESCE(c->'holidays', '[]')
        FROM design_versions d CROSS JOIN LATERAL jsonb_array_elements(COALESCE(d.document->'calendars', '[]')) c
       WHERE d.version = (SELECT max(version) FROM design_versions)
      ON CONFLICT (key) DO NOTHING`);
    await q.query(`
      INSERT INTO calendar_leaves (calendar, during, reason, source)
      SELECT c->>'key', tstzrange((l->>'from')::timestamptz, (l->>'to')::timestamptz), l->>'reason', 'design'
        FROM design_versions d CROSS JOIN LATERAL jsonb_array_elements(COALESCE(d.document->'calendars', '[]')) c
             CROSS JOIN LATERAL jsonb_array_elements(COALESCE(c->'leaves', '[]')) l
       WHERE d.version = (SELECT max(version) FROM design_versions)`);
    await q.query(`ALTER TABLE resources ADD COLUMN label text NULL`);
    await q.query(`
      UPDATE resources r SET label = x->>'label'
        FROM design_versions d CROSS JOIN LATERAL jsonb_array_elements(COALESCE(d.document->'resources', '[]')) x
       WHERE d.version = (SELECT max(version) FROM design_versions) AND x->>'key' = r.key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE resources DROP COLUMN label`);
    await q.query(`DROP INDEX calendar_leaves_calendar`);
    await q.query(`
      ALTER TABLE calendar_leaves
        DROP COLUMN source,
        DROP CONSTRAINT calendar_leaves_range,
        DROP CONSTRAINT calendar_leaves_one_owner,
        DROP CONSTRAINT calendar_leaves_calendar_fkey,
        ALTER COLUMN calendar DROP NOT NULL`);
    await q.query(`UPDATE calendar_leaves SET calendar = NULL WHERE operator IS NOT NULL OR resource IS NOT NULL`);
    await q.query(
      `ALTER TABLE calendar_leaves ADD CONSTRAINT calendar_leaves_one_owner CHECK (num_nonnulls(calendar, operator, resource) = 1)`,
    );
    await q.query(`ALTER TABLE calendars DROP COLUMN label`);
  }
}
