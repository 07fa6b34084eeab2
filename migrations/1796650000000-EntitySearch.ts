import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer search (`GET /entities?q=`): trigram indexes (pg_trgm) so a substring of a name or of a form value —
 * part of a phone number, a surname — is an index read, in any script (CJK included):
 * - `entities_label_trgm_idx`: the entity's label;
 * - `processes_form_text_trgm_idx`: the string and number values of the form data of processes that serve an
 *   entity, as one text (`opk_form_text`, keys left out so a search for `dian` does not match the key `dian_hua`).
 *   The queries use the same expression and predicate, so the planner proves the index applies.
 * `down` drops both and the function (the extension stays: other database objects may use it).
 */
export class EntitySearch1796650000000 implements MigrationInterface {
  name = 'EntitySearch1796650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE FUNCTION opk_form_text(form jsonb) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
          SELECT coalesce(string_agg(v #>> '{}', ' '), '')
            FROM jsonb_path_query(form, 'strict $.** ? (@.type() == "string" || @.type() == "number")') AS v
        $$`);
    await q.query(`CREATE INDEX entities_label_trgm_idx ON entities USING gin (label gin_trgm_ops)`);
    await q.query(`
      CREATE INDEX processes_form_text_trgm_idx ON processes USING gin (opk_form_text(form_data) gin_trgm_ops)
        WHERE entity_id IS NOT NULL AND form_data IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX processes_form_text_trgm_idx`);
    await q.query(`DROP INDEX entities_label_trgm_idx`);
    await q.query(`DROP FUNCTION opk_form_text(jsonb)`);
  }
}
