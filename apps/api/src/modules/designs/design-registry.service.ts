import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { indexDesign, withRuntimeCalendars, type DesignIndex, type DesignSource } from '@opkernel/kernel';
import { DesignDocument } from '@opkernel/design';
import { RuntimeCalendars, type CalendarSnapshot } from '../calendars/runtime-calendars.service';

/** How long {@link DesignRegistry.versions} keeps the list of version numbers, ms. */
export const VERSIONS_CACHE_MS = 2_000;

/** A stored design version. */
export type DesignVersion = { version: number; name: string; hash: string; document: DesignDocument; createdAt: Date };

/**
 * Design versions from `design_versions`. Versions are immutable, so each is loaded and indexed once per
 * process and cached; the list of version numbers (and so the current version, the highest) is kept for
 * {@link VERSIONS_CACHE_MS}, because another API replica may import a new one. Calendars are runtime data: every
 * index handed out carries the stored calendars and leaves ({@link RuntimeCalendars}) instead of its design's.
 */
@Injectable()
export class DesignRegistry implements DesignSource {
  private readonly cache = new Map<number, { version: DesignVersion; index: DesignIndex }>();
  private known: { versions: number[]; until: number } | null = null;
  /** Imports noted in this process (see {@link versions}). */
  private imports = 0;

  /** Each version's index with the runtime calendars, for the snapshot it was built from. */
  private readonly overlays = new WeakMap<DesignIndex, { snapshot: CalendarSnapshot; index: DesignIndex }>();

  constructor(
    private readonly db: DataSource,
    @Optional() private readonly calendars?: RuntimeCalendars,
  ) {}

  /** `index` with the runtime calendars (built once per snapshot). */
  private async withCalendars(index: DesignIndex): Promise<DesignIndex> {
    if (!this.calendars) return index;
    const snapshot = await this.calendars.snapshot();
    const hit = this.overlays.get(index);
    if (hit && hit.snapshot === snapshot) return hit.index;
    const out = {
      ...index,
      scheduler: withRuntimeCalendars(index.scheduler, snapshot.calendars, snapshot.ownerLeaves),
    };
    this.overlays.set(index, { snapshot, index: out });
    return out;
  }

  private async load(version: number): Promise<{ version: DesignVersion; index: DesignIndex }> {
    const hit = this.cache.get(version);
    if (hit) return hit;
    const rows = await this.db.query<
      { version: number; name: string; hash: string; document: DesignDocument; created_at: Date }[]
    >('SELECT version, name, hash, document, created_at FROM design_versions WHERE version = $1', [version]);
    const row = rows[0];
    if (!row) throw new Error(`design version ${version} does not exist`);
    // Parsed again so a version stored before the model gained a section reads with that section's defaults.
    const document = DesignDocument.parse(row.document);
    const entry = {
      version: {
        version: row.version,
        name: row.name,
        hash: row.hash,
        document,
        createdAt: row.created_at,
      },
      index: indexDesign(row.version, document),
    };
    this.cache.set(version, entry);
    return entry;
  }

  /**
   * The indexed design of a version (kernel port `DesignSource`), cached, with the runtime calendars.
   * @throws Error when `version` does not exist.
   */
  async get(version: number): Promise<DesignIndex> {
    return this.withCalendars((await this.load(version)).index);
  }

  /**
   * A stored design version: number, name, canonical hash, the validated document and its creation time.
   * Loaded once and cached (versions are immutable).
   * @throws Error when `version` does not exist (callers pass versions read from the database).
   */
  async version(version: number): Promise<DesignVersion> {
    return (await this.load(version)).version;
  }

  /**
   * Every stored version number, ascending. Kept for {@link VERSIONS_CACHE_MS} (another replica's import shows up
   * within that bound; one in this process at once, through {@link noteImported}).
   */
  async versions(now = Date.now()): Promise<number[]> {
    if (this.known && this.known.until > now) return this.known.versions;
    const generation = this.imports;
    const rows = await this.db.query<{ version: number }[]>('SELECT version FROM design_versions ORDER BY version');
    const versions = rows.map((r) => r.version);
    // A read that started before an import in this process may predate it: answer it, but do not keep it.
    if (generation === this.imports) this.known = { versions, until: now + VERSIONS_CACHE_MS };
    return versions;
  }

  /** Call after committing a new version: {@link versions} lists it at once. */
  noteImported(version: number): void {
    this.imports++;
    if (this.known && !this.known.versions.includes(version)) {
      this.known = { ...this.known, versions: [...this.known.versions, version].sort((a, b) => a - b) };
    }
  }

  /**
   * The newest version number, or null when no design was imported yet; from {@link versions} (an import by
   * another replica becomes current here within {@link VERSIONS_CACHE_MS}).
   */
  async currentVersion(): Promise<number | null> {
    return (await this.versions()).at(-1) ?? null;
  }

  /** Call after committing a change of the stored calendars (a design import writes them): reads them again. */
  async calendarsChanged(): Promise<void> {
    await this.calendars?.changed();
  }

  /** The newest version with its index (with the runtime calendars), or null. */
  async current(): Promise<{ version: DesignVersion; index: DesignIndex } | null> {
    const v = await this.currentVersion();
    if (v === null) return null;
    const entry = await this.load(v);
    return { version: entry.version, index: await this.withCalendars(entry.index) };
  }
}
