import type { ContextFrame } from '../context/frame';
import type { DesignIndex } from '../design/kernel-design';
import type { EntityRef, Pcb } from '../pcb/pcb';

/** Time source. The kernel never reads the wall clock itself. */
export type Clock = { now(): number /* epoch ms */ };

/** An entity as rules see it. */
export type EntityView = { type: string; id: string; label: string; attributes: Record<string, unknown> };

/** An operator as the kernel sees it: key and role keys. */
export type OperatorView = { key: string; label: string; roles: string[] };

/**
 * Storage port, implemented by the API inside one database transaction. Reads must see the transaction's own
 * writes; `get` should lock the row (SELECT … FOR UPDATE) so concurrent commands on one process serialize.
 */
export interface ProcessStore {
  get(pid: number): Promise<Pcb | null>;
  /** Direct children (parentPid = pid), any state. */
  children(pid: number): Promise<Pcb[]>;
  /** Processes created by a fan-out of `callerPid` (join.callerPid = callerPid). */
  joinGroup(callerPid: number): Promise<Pcb[]>;
  /** Processes whose callerPid = pid. */
  callees(pid: number): Promise<Pcb[]>;
  frame(pid: number): Promise<ContextFrame | null>;
  entity(ref: EntityRef): Promise<EntityView | null>;
  operator(key: string): Promise<OperatorView | null>;
  /** Next pid from the database sequence. */
  nextPid(): Promise<number>;
}

/** Gives the indexed design of a version. */
export interface DesignSource {
  get(version: number): Promise<DesignIndex>;
}
