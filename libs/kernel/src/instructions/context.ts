import type { ContextFrame } from '../context/frame';
import type { DesignIndex, KernelRule } from '../design/kernel-design';
import type { Cause, SpawnInput } from '../engine/inputs';
import type { Pcb } from '../pcb/pcb';
import type { TransitionEvent } from '../pcb/state-machine';
import type { OperatorView } from '../ports/ports';

/**
 * What an instruction handler may do inside a command — read and lock processes and frames, spawn, apply
 * transitions, set variables — and nothing else of the command's run (no queue, no audit, no store).
 * Every read locks: `load` and `frame` go through the unit of work (see `UnitOfWork`).
 */
export type InstructionContext = {
  /** The command's time, epoch ms. */
  readonly now: number;
  /** A process, locked. @throws ProcessNotFoundError */
  load(pid: number): Promise<Pcb>;
  /** The frame of a process, read under its lock. */
  frame(pid: number): Promise<ContextFrame>;
  /** Replaces a frame (pass a new object). */
  setFrame(frame: ContextFrame): void;
  /** Direct children of a process, merged with this command's changes. */
  children(pid: number): Promise<Pcb[]>;
  /** Creates and admits a process (see `spawning.ts`). */
  spawn(input: SpawnInput, cause: Cause): Promise<Pcb>;
  /** Applies a transition, audits it and queues its rules (see `transitions.ts`). */
  apply(pid: number, event: TransitionEvent, cause: Cause, details?: Record<string, unknown>): Promise<Pcb>;
  /** Writes local variables into a process's frame. */
  setVars(pid: number, vars: Record<string, unknown>): Promise<void>;
  /** A number unique within the command (e.g. to name a fan-out group). */
  nextSeq(): number;
  /** An operator by key, or null. */
  operator(key: string | null): Promise<OperatorView | null>;
};

/**
 * Executes one instruction for a fired rule. Throw an `InstructionError` (or let a kernel error such as an
 * illegal transition escape) to have everything it did undone and an incident raised.
 */
export type InstructionHandler = (
  ctx: InstructionContext,
  subject: Pcb,
  rule: KernelRule,
  index: DesignIndex,
) => Promise<void>;

/** The kernel's system calls by name (what a design's instructions may name as `sysCall`). */
export type InstructionRegistry = Readonly<Record<string, InstructionHandler>>;
