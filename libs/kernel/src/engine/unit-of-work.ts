import type { ContextFrame } from '../context/frame';
import { newFrame } from '../context/frames';
import { ProcessNotFoundError } from '../errors/kernel-error';
import type { Pcb } from '../pcb/pcb';
import type { ProcessStore } from '../ports/ports';
import type { AuditEntry, Changeset, ProcessChange } from './types';

/**
 * The working set of one command: PCBs and frames read through the {@link ProcessStore}, changed in memory,
 * and turned into a {@link Changeset} at the end. Queries merge the store's rows with in-memory changes.
 */
export class UnitOfWork {
  private readonly pcbs = new Map<number, Pcb>();
  /** Original of each loaded PCB; `null` for PCBs created in this unit. */
  private readonly originals = new Map<number, Pcb | null>();
  private readonly frames = new Map<number, ContextFrame>();
  private readonly dirtyFrames = new Set<number>();
  readonly audit: AuditEntry[] = [];

  constructor(readonly store: ProcessStore) {}

  async load(pid: number): Promise<Pcb> {
    const found = await this.tryLoad(pid);
    if (!found) throw new ProcessNotFoundError(pid);
    return found;
  }

  async tryLoad(pid: number): Promise<Pcb | null> {
    const cached = this.pcbs.get(pid);
    if (cached) return cached;
    const row = await this.store.get(pid);
    if (!row) return null;
    this.pcbs.set(pid, row);
    this.originals.set(pid, row);
    return row;
  }

  /** Replaces the working copy of a loaded or created PCB. */
  put(pcb: Pcb): void {
    if (!this.originals.has(pcb.pid)) throw new Error(`pcb ${pcb.pid} was not loaded in this unit of work`);
    this.pcbs.set(pcb.pid, pcb);
  }

  create(pcb: Pcb, frame: ContextFrame): void {
    this.pcbs.set(pcb.pid, pcb);
    this.originals.set(pcb.pid, null);
    this.setFrame(frame);
  }

  /** The frame of `pid` (loaded once; an empty one when the process has none yet). */
  async frame(pid: number): Promise<ContextFrame> {
    const cached = this.frames.get(pid);
    if (cached) return cached;
    const stored = (await this.store.frame(pid)) ?? newFrame(pid, null);
    this.frames.set(pid, stored);
    return stored;
  }

  setFrame(frame: ContextFrame): void {
    this.frames.set(frame.pid, frame);
    this.dirtyFrames.add(frame.pid);
  }

  private merge(rows: Pcb[], extra: (p: Pcb) => boolean): Pcb[] {
    const out = new Map<number, Pcb>();
    for (const row of rows) {
      if (!this.pcbs.has(row.pid)) {
        this.pcbs.set(row.pid, row);
        this.originals.set(row.pid, row);
      }
    }
    for (const row of rows) out.set(row.pid, this.pcbs.get(row.pid)!);
    for (const p of this.pcbs.values()) if (extra(p)) out.set(p.pid, p);
    return [...out.values()].filter(extra).sort((a, b) => a.pid - b.pid);
  }

  async children(pid: number): Promise<Pcb[]> {
    return this.merge(await this.store.children(pid), (p) => p.parentPid === pid);
  }

  async callees(pid: number): Promise<Pcb[]> {
    return this.merge(await this.store.callees(pid), (p) => p.callerPid === pid);
  }

  async joinGroup(callerPid: number): Promise<Pcb[]> {
    return this.merge(await this.store.joinGroup(callerPid), (p) => p.join?.callerPid === callerPid);
  }

  /**
   * The changeset: created PCBs at version 1, changed PCBs at original version + 1 (expecting the original),
   * every dirty frame, the audit rows, and one {@link ProcessChange} per created or changed PCB.
   */
  toChangeset(resultPid: number, at: number): Changeset {
    const created: Pcb[] = [];
    const updated: { pcb: Pcb; expectedVersion: number }[] = [];
    const changes: ProcessChange[] = [];
    for (const [pid, pcb] of this.pcbs) {
      const original = this.originals.get(pid);
      if (original === undefined) continue;
      let final: Pcb;
      if (original === null) {
        final = { ...pcb, version: 1 };
        created.push(final);
      } else if (pcb !== original) {
        final = { ...pcb, version: original.version + 1 };
        updated.push({ pcb: final, expectedVersion: original.version });
      } else continue;
      this.pcbs.set(pid, final);
      changes.push({
        pid,
        version: final.version,
        service: final.service,
        kind: final.kind,
        state: final.state,
        fromState: original?.state ?? null,
        assignee: final.assignee,
        candidateRoles: final.candidateRoles,
        previousAssignee: original?.assignee ?? null,
        previousCandidateRoles: original?.candidateRoles ?? [],
        entity: final.entity,
        priority: final.priority,
        at,
      });
    }
    const result = this.pcbs.get(resultPid);
    if (!result) throw new ProcessNotFoundError(resultPid);
    created.sort((a, b) => a.pid - b.pid);
    updated.sort((a, b) => a.pcb.pid - b.pcb.pid);
    return {
      created,
      updated,
      frames: [...this.dirtyFrames].map((pid) => this.frames.get(pid)!),
      audit: this.audit,
      changes,
      result,
    };
  }
}
