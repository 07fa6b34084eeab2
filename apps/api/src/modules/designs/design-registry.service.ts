import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { indexDesign, type DesignIndex, type DesignSource } from '@opkernel/kernel';
import type { DesignDocument } from '@opkernel/design';

/** A stored design version. */
export type DesignVersion = { version: number; name: string; hash: string; document: DesignDocument; createdAt: Date };

/**
 * Design versions from `design_versions`. Versions are immutable, so each is loaded and indexed once per
 * process and cached; the current version (the highest) is looked up on every call, because another API
 * replica may import a new one.
 */
@Injectable()
export class DesignRegistry implements DesignSource {
  private readonly cache = new Map<number, { version: DesignVersion; index: DesignIndex }>();

  constructor(private readonly db: DataSource) {}

  private async load(version: number): Promise<{ version: DesignVersion; index: DesignIndex }> {
    const hit = this.cache.get(version);
    if (hit) return hit;
    const rows = await this.db.query<
      { version: number; name: string; hash: string; document: DesignDocument; created_at: Date }[]
    >('SELECT version, name, hash, document, created_at FROM design_versions WHERE version = $1', [version]);
    const row = rows[0];
    if (!row) throw new Error(`design version ${version} does not exist`);
    const entry = {
      version: {
        version: row.version,
        name: row.name,
        hash: row.hash,
        document: row.document,
        createdAt: row.created_at,
      },
      index: indexDesign(row.version, row.document),
    };
    this.cache.set(version, entry);
    return entry;
  }

  /**
   * The indexed design of a version (kernel port `DesignSource`), cached.
   * @throws Error when `version` does not exist.
   */
  async get(version: number): Promise<DesignIndex> {
    return (await this.load(version)).index;
  }

  /**
   * A stored design version: number, name, canonical hash, the validated document and its creation time.
   * Loaded once and cached (versions are immutable).
   * @throws Error when `version` does not exist (callers pass versions read from the database).
   */
  async version(version: number): Promise<DesignVersion> {
    return (await this.load(version)).version;
  }

  /** The newest version number, or null when no design was imported yet. */
  async currentVersion(): Promise<number | null> {
    const rows = await this.db.query<{ v: number | null }[]>('SELECT max(version) AS v FROM design_versions');
    return rows[0]?.v ?? null;
  }

  /** The newest version with its index, or null. */
  async current(): Promise<{ version: DesignVersion; index: DesignIndex } | null> {
    const v = await this.currentVersion();
    return v === null ? null : this.load(v);
  }
}
