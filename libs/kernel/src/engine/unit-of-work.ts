import type { StageJob } from '../routes/automation';
import type { ContextFrame } from '../context/frame';
import { newFrame } from '../context/frames';
import { KernelError, ProcessNotFoundError } from '../errors/kernel-error';
import type { Pcb } from '../pcb/pcb';
import type { ProcessStore } from '../ports/ports';
import { timerEffects } from './timers';
import {
  noSchedulerChanges,
  type AuditEntry,
  type Changeset,
  type Effect,
  type ProcessChange,
  type SchedulerChanges,
} from './types';

/** A saved state of a {@link UnitOfWork}, to undo a failed instruction's partial effects. */
export type Checkpoint = { journalLength: number; auditLength: number };

/** One undoable write to the unit's maps and sets: what the key held before (`had` false: it was absent). */
type JournalEntry =
  | { kind: 'map'; map: Map<number, unknown>; key: number; had: boolean; prev: unknown }
  | { kind: 'set'; set: Set<number>; key: number; had: boolean };

/**
 * The working set of one command: PCBs and frames read through the {@link ProcessStore}, changed in memory, and
 * turned into a {@link Changeset} at the end.
 *
 * Locking: {@link load} always goes through `ProcessStore.get` (a row lock in the database adapter) the first
 * time a process is used, and a row seen earlier through an unlocked list query must still have the version it
 * had then — otherwise VERSION_CONFLICT (the command is retried on fresh state). Every write and every frame
 * read go through {@link load}, so decisions about a process (e.g. "all join members done") are taken under its
 * lock and concurrent commands touching it serialize.
 */
export class UnitOfWork {
  private readonly pcbs = new Map<number, Pcb>();
  /** Original of each PCB read; `null` for PCBs created in this unit. */
  private readonly originals = new Map<number, Pcb | null>();
  private readonly frames = new Map<number, ContextFrame>();
  private readonly dirtyFrames = new Set<number>();
  private readonly locked = new Set<number>();
  /** Every write to the maps and sets above, oldest first, so a checkpoint is O(1) and a restore O(writes since). */
  private readonly journal: JournalEntry[] = [];
  /** Store rows of list reads made while their anchor process was locked by this unit (see {@link list}). */
  private readonly listed = new Map<string, Pcb[]>();
  readonly audit: AuditEntry[] = [];
  /** Hops to dispatch when the command commits, in order (journaled: an undone instruction dispatches nothing). */
  private readonly dispatchList = new Map<number, StageJob>();
  private dispatchSeq = 0;

  constructor(readonly store: ProcessStore) {}

  private setIn<V>(map: Map<number, V>, key: number, value: V): void {
    this.journal.push({ kind: 'map', map: map as Map<number, unknown>, key, had: map.has(key), prev: map.get(key) });
    map.set(key, value);
  }

  private addTo(set: Set<number>, key: number): void {
    if (set.has(key)) return;
    this.journal.push({ kind: 'set', set, key, had: false });
    set.add(key);
  }

  /** Asks for a hop to be dispatched after commit (undone with the rest by {@link restore}). */
  dispatch(job: StageJob): void {
    this.setIn(this.dispatchList, ++this.dispatchSeq, job);
  }

  /** The hops asked for so far, in order. */
  dispatches(): StageJob[] {
    return [...this.dispatchList.values()];
  }

  /** The process, locked. @throws ProcessNotFoundError; KernelError VERSION_CONFLICT (see class doc) */
  async load(pid: number): Promise<Pcb> {
    const found = await this.tryLoad(pid);
    if (!found) throw new ProcessNotFoundError(pid);
    return found;
  }

  /** Like {@link load}, or null when the process does not exist. */
  async tryLoad(pid: number): Promise<Pcb | null> {
    if (this.locked.has(pid)) return this.pcbs.get(pid) ?? null;
    const row = await this.store.get(pid);
    if (!row) return null;
    const seen = this.originals.get(pid);
    if (seen && seen.version !== row.version) {
      throw new KernelError('VERSION_CONFLICT', `process ${pid} changed while this command ran`, { pid });
    }
    if (!this.pcbs.has(pid)) {
      this.setIn(this.pcbs, pid, row);
      this.setIn(this.originals, pid, row);
    }
    this.addTo(this.locked, pid);
    return this.pcbs.get(pid)!;
  }

  /** Replaces the working copy of a PCB that was loaded (locked) or created in this unit. */
  put(pcb: Pcb): void {
    if (!this.locked.has(pcb.pid)) throw new Error(`pcb ${pcb.pid} was not loaded in this unit of work`);
    this.setIn(this.pcbs, pcb.pid, pcb);
  }

  /** Adds a PCB created by this command with its first frame. */
  create(pcb: Pcb, frame: ContextFrame): void {
    this.setIn(this.pcbs, pcb.pid, pcb);
    this.setIn(this.originals, pcb.pid, null);
    this.addTo(this.locked, pcb.pid);
    this.setFrame(frame);
  }

  /** The frame of `pid`, read under the process's lock (an empty frame when it has none yet). */
  async frame(pid: number): Promise<ContextFrame> {
    const cached = this.frames.get(pid);
    if (cached) return cached;
    await this.tryLoad(pid);
    const stored = (await this.store.frame(pid)) ?? newFrame(pid, null);
    this.setIn(this.frames, pid, stored);
    return stored;
  }

  /** Replaces a frame (frames are immutable values: pass a new object). */
  setFrame(frame: ContextFrame): void {
    this.setIn(this.frames, frame.pid, frame);
    this.addTo(this.dirtyFrames, frame.pid);
  }

  /** Saves the unit's state: O(1), a mark in the journal of writes. */
  checkpoint(): Checkpoint {
    return { journalLength: this.journal.length, auditLength: this.audit.length };
  }

  /**
   * Returns to a {@link checkpoint}: every write since is undone, newest first, and the audit rows since are
   * dropped. Database locks are kept: a process first locked since stays marked locked when it was already
   * known (read through a list) at the checkpoint; one first seen since is forgotten altogether.
   */
  restore(cp: Checkpoint): void {
    const relocked: number[] = [];
    while (this.journal.length > cp.journalLength) {
      const entry = this.journal.pop()!;
      if (entry.kind === 'map') {
        if (entry.had) entry.map.set(entry.key, entry.prev);
        else entry.map.delete(entry.key);
      } else {
        entry.set.delete(entry.key);
        if (entry.set === this.locked) relocked.push(entry.key);
      }
    }
    for (const pid of relocked) if (this.pcbs.has(pid)) this.locked.add(pid);
    this.audit.length = cp.auditLength;
  }

  /**
   * Merges list rows into the working set: a row this unit has locked (and may have changed) keeps its working
   * copy; any other row is replaced by the fresh one, so decisions never rest on an earlier, stale read.
   */
  private merge(rows: Pcb[], belongs: (p: Pcb) => boolean): Pcb[] {
    for (const row of rows) {
      if (!this.locked.has(row.pid)) {
        this.setIn(this.pcbs, row.pid, row);
        this.setIn(this.originals, row.pid, row);
      }
    }
    return [...this.pcbs.values()].filter(belongs).sort((a, b) => a.pid - b.pid);
  }

  /**
   * The store rows of one list read about `anchor` (its children, callees or join group), read once per unit
   * when `anchor` is locked: what these lists decide on — which processes exist and whether they are TERMINATED —
   * only changes under the anchor's lock (a spawn locks the parent, a termination locks its parent, caller and
   * join target before commit), so while this unit holds that lock a second read would return the same facts.
   * Without the lock every call reads again.
   */
  private async list(kind: string, anchor: number, read: () => Promise<Pcb[]>): Promise<Pcb[]> {
    const key = `${kind}:${anchor}`;
    const cached = this.listed.get(key);
    if (cached) return cached;
    const rows = await read();
    if (this.locked.has(anchor)) this.listed.set(key, rows);
    return rows;
  }

  /** Direct children (store rows merged with this unit's changes and creations). */
  async children(pid: number): Promise<Pcb[]> {
    const rows = await this.list('children', pid, () => this.store.children(pid));
    return this.merge(rows, (p) => p.parentPid === pid);
  }

  /** Processes whose caller is `pid`. */
  async callees(pid: number): Promise<Pcb[]> {
    const rows = await this.list('callees', pid, () => this.store.callees(pid));
    return this.merge(rows, (p) => p.callerPid === pid);
  }

  /** Fan-out members joining into `callerPid` (every group). */
  async joinGroup(callerPid: number): Promise<Pcb[]> {
    const rows = await this.list('join', callerPid, () => this.store.joinGroup(callerPid));
    return this.merge(rows, (p) => p.join?.callerPid === callerPid);
  }

  /**
   * The changeset: created PCBs at version 1, changed PCBs at original version + 1 (expecting the original),
   * every dirty frame, the audit rows, and one {@link ProcessChange} per created or changed PCB.
   * @throws ProcessNotFoundError when `resultPid` is unknown to the unit
   */
  /** The PCBs this unit created or changed so far (working copies). */
  changed(): Pcb[] {
    return [...this.pcbs.entries()]
      .filter(([pid, pcb]) => {
        const original = this.originals.get(pid);
        return original !== undefined && pcb !== original;
      })
      .map(([, pcb]) => pcb);
  }

  /** Each PCB this unit created or changed, with what it was before (null: created here). */
  pairs(): { before: Pcb | null; after: Pcb }[] {
    const out: { before: Pcb | null; after: Pcb }[] = [];
    for (const [pid, pcb] of this.pcbs) {
      const before = this.originals.get(pid);
      if (before !== undefined && pcb !== before) out.push({ before, after: pcb });
    }
    return out;
  }

  toChangeset(resultPid: number, at: number, scheduler: SchedulerChanges = noSchedulerChanges()): Changeset {
    const created: Pcb[] = [];
    const updated: { pcb: Pcb; expectedVersion: number }[] = [];
    const changes: ProcessChange[] = [];
    const timers: Effect[] = [];
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
      timers.push(...timerEffects(original, final));
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
        designVersion: final.designVersion,
        creator: final.creator,
        scheduledAt: final.scheduledAt,
        deadline: final.deadline,
        urgency: final.urgency,
        waitReason: final.waitReason,
        waitUntil: final.waitUntil,
        terminatedReason: final.terminatedReason,
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
      effects: [...changes.map((change): Effect => ({ kind: 'publish', topic: 'process.changed', change })), ...timers],
      scheduler,
      result,
    };
  }
}
