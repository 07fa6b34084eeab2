import { Inject, Injectable } from '@nestjs/common';
import type {
  EntityTaskGroups,
  ProcessBrief,
  ProcessDetail,
  ProcessEventView,
  ProcessPage,
  ProcessSnapshotView,
  ProcessState,
} from '@opkernel/contracts';
import { allowedActions, rolesAllowing, type Actor, type Clock, type DesignIndex } from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { AuditTrailRepository } from '../audit/audit-trail.repository';
import { actorOf, type AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import { encodeProcessCursor, type TaskCursor } from './dtos/keyset.dto';
import type { ListProcessesDto } from './dtos/process.dto';
import { FormRedactor } from './form-redaction';
import {
  ProcessReadRepository,
  slaClockOf,
  type LabelledRow,
  type TaskList,
} from './persistence/process-read.repository';
import { rowToPcb } from './persistence/process-row';
import { caseKey, ProcessReadPolicy, type FormVisibility, type ReadScope } from './process-read.policy';
import { toProcessView, waitingPoints, type ProcessView } from './process-view';
import { slaDefOf, toSlaView } from './sla-view';

export type {
  EntityTaskGroups,
  ProcessBrief,
  ProcessEventView,
  ProcessPage,
  ProcessSnapshotView,
} from '@opkernel/contracts';

/** A process with its parent, previous step and children (each null / left out when not readable). */
export type ProcessWithRelations = ProcessDetail;

/** One keyset page: its rows and the key to continue after (null on the last page). */
export type KeysetPage<C> = { items: ProcessView[]; next: C | null };

/** Who reads: what they may see (their read scope) and who they are for the actions they are offered. */
export type Reader = { scope: ReadScope; actor: Actor };

/**
 * Read side of processes: lists, one process with its relations, audit trail, snapshots — the SQL is in
 * {@link ProcessReadRepository} and {@link AuditTrailRepository}; this service turns rows into what a reader
 * sees. Every method that takes an operator applies {@link ProcessReadPolicy}: customers get a 403 problem; staff
 * see only the processes the policy allows — an invisible process is answered like a missing one (null) — with
 * the form data of services their roles do not allow redacted, and each process carries the actions offered
 * to the reader (the kernel's `allowedActions`).
 */
@Injectable()
export class ProcessQueries {
  constructor(
    private readonly repository: ProcessReadRepository,
    private readonly trail: AuditTrailRepository,
    private readonly designs: DesignRegistry,
    private readonly policy: ProcessReadPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The reader behind `operator`. @throws ProblemException 403 for customers. */
  async reader(operator: AuthenticatedOperator): Promise<Reader> {
    return { scope: await this.policy.scope(operator), actor: actorOf(operator) };
  }

  /**
   * Rows → views with the service label (of each row's design version) and the entity label; with a reader, form
   * data of services the reader's roles do not allow is redacted ({@link ProcessReadPolicy}) and the actions
   * offered to them are given. Design versions and form visibility are looked up once per version; the journeys
   * the reader holds an open task for (whose steps' forms they see) once per call, only when a form would be hidden.
   */
  async views(rows: LabelledRow[], reader?: Reader): Promise<ProcessView[]> {
    const versions = new Map<number, { index: DesignIndex; visible: FormVisibility | null }>();
    const out: ProcessView[] = [];
    const hidden: { at: number; entity: ProcessView['entity']; visible: FormVisibility }[] = [];
    for (const r of rows) {
      const pcb = rowToPcb(r);
      let v = versions.get(pcb.designVersion);
      if (!v) {
        const index = await this.designs.get(pcb.designVersion);
        v = { index, visible: reader ? await this.policy.formVisibility(reader.scope, pcb.designVersion) : null };
        versions.set(pcb.designVersion, v);
      }
      const clock = slaClockOf(r);
      const view = toProcessView(
        pcb,
        {
          service: v.index.services.get(pcb.service)?.label,
          entity: r.entity_label,
          assignee: r.assignee_label,
          creator: r.creator_label,
          effectivePoints: waitingPoints(pcb, this.clock.now(), v.index.scheduler.settings),
        },
        reader ? allowedActions(pcb, reader.actor, v.index) : [],
        clock && toSlaView(clock, slaDefOf(v.index, pcb.service)),
      );
      if (v.visible && view.formData !== null && !v.visible.sees(view.service))
        hidden.push({ at: out.length, entity: view.entity, visible: v.visible });
      out.push(view);
    }
    if (reader && hidden.length > 0) {
      const held = await this.policy.casesHeld(
        reader.scope,
        hidden.map((h) => h.entity),
      );
      for (const h of hidden) if (!h.entity || !held.has(caseKey(h.entity))) out[h.at] = redact(out[h.at]!, h.visible);
    }
    return out;
  }

  /**
   * `view` with its form data redacted unless `scope` may see forms of its service, or it serves a customer for whom
   * they hold an open task.
   */
  async redacted(view: ProcessView, scope: ReadScope): Promise<ProcessView> {
    const visible = await this.policy.formVisibility(scope, view.designVersion);
    if (view.formData === null || visible.sees(view.service)) return view;
    if (view.entity && (await this.policy.casesHeld(scope, [view.entity])).has(caseKey(view.entity))) return view;
    return redact(view, visible);
  }

  /**
   * One keyset page of a task list of `operator` — `mine` (their open tasks) or `pool` (unassigned open tasks
   * their roles may take; every one for administrators) — today/overdue first.
   * @throws ProblemException 403 for customers.
   */
  async taskPage(
    list: TaskList,
    operator: AuthenticatedOperator,
    page: { limit: number; after: TaskCursor | null },
  ): Promise<KeysetPage<TaskCursor>> {
    const reader = await this.reader(operator);
    const { rows, next } = await this.repository.taskPage(list, operator, { scope: reader.scope, ...page });
    return { items: await this.views(rows, reader), next };
  }

  /**
   * The processes of one business entity that `operator` may read, grouped: scheduled (NEW, READY), running, paused
   * (WAITING, SUSPENDED, ERROR), done (TERMINATED). The label is null when no readable process names it.
   * @throws ProblemException 403 for customers.
   */
  async entityTasks(type: string, id: string, operator: AuthenticatedOperator): Promise<EntityTaskGroups> {
    const reader = await this.reader(operator);
    const all = await this.views(await this.repository.ofEntity(type, id, reader.scope), reader);
    const group = (states: ProcessState[]) => all.filter((p) => states.includes(p.state));
    return {
      entity: { type, id, label: all[0]?.entity?.label ?? null },
      scheduled: group(['NEW', 'READY']),
      running: group(['RUNNING']),
      paused: group(['WAITING', 'SUSPENDED', 'ERROR']),
      done: group(['TERMINATED']),
    };
  }

  /**
   * The processes `operator` may read, newest first, filtered by state(s), service, entity and assignee.
   * Page-based form (`page`/`pageSize`): OFFSET paging and `total`, the readable matches (a count over every
   * match). Keyset form: the `limit` processes below the cursor's pid (an ordered primary-key range), not counted.
   * @throws ProblemException 403 for customers (non-staff operators).
   */
  async list(q: ListProcessesDto, operator: AuthenticatedOperator): Promise<ProcessPage> {
    const reader = await this.reader(operator);
    const { paging, ...filters } = q;
    const cursorAfter = (items: ProcessView[]) => encodeProcessCursor({ pid: items[items.length - 1]!.pid });
    if (paging.kind === 'keyset') {
      const { limit, after } = paging;
      const { rows } = await this.repository.list(
        filters,
        { kind: 'keyset', limit, afterPid: after?.pid ?? null },
        reader.scope,
      );
      const items = await this.views(rows.slice(0, limit), reader);
      const nextCursor = rows.length > limit ? cursorAfter(items) : null;
      return { items, total: null, page: null, pageSize: limit, nextCursor };
    }
    const { page, pageSize } = paging;
    const { rows, total } = await this.repository.list(filters, { kind: 'page', page, pageSize }, reader.scope);
    const items = await this.views(rows, reader);
    const nextCursor = items.length > 0 && page * pageSize < total! ? cursorAfter(items) : null;
    return { items, total, page, pageSize, nextCursor };
  }

  /**
   * Staff operators a visible process could be transferred to: those holding a role that allows its service in
   * the process's design version (the current assignee excluded). Null when the process is not visible.
   * @throws ProblemException 403 for customers.
   */
  async transferCandidates(
    pid: number,
    operator: AuthenticatedOperator,
  ): Promise<{ key: string; label: string; roles: string[] }[] | null> {
    const p = await this.one(pid, operator);
    if (!p) return null;
    const allowed = rolesAllowing(await this.designs.get(p.designVersion), p.service);
    return this.repository.staffHolding(allowed, p.assignee);
  }

  /**
   * Process `pid` as `operator` may see it.
   * @returns the view, or null when it does not exist or is not readable (callers answer 404 for both).
   * @throws ProblemException 403 for customers.
   */
  async one(pid: number, operator: AuthenticatedOperator): Promise<ProcessView | null> {
    const reader = await this.reader(operator);
    const row = await this.repository.byPid(pid, reader.scope);
    return row ? (await this.views([row], reader))[0]! : null;
  }

  /**
   * A process with its parent, previous step and children, each in brief (relations `operator` may not read
   * are null — parent, previous — or left out — children), its SLA clock and its resource bookings.
   * @returns null when the process does not exist or is not readable.
   * @throws ProblemException 403 for customers.
   */
  async withRelations(pid: number, operator: AuthenticatedOperator): Promise<ProcessWithRelations | null> {
    const reader = await this.reader(operator);
    const get = async (id: number) => {
      const row = await this.repository.byPid(id, reader.scope);
      return row ? (await this.views([row], reader))[0]! : null;
    };
    const p = await get(pid);
    if (!p) return null;
    const parent = p.parentPid !== null ? await get(p.parentPid) : null;
    const previous = p.previousPid !== null ? await get(p.previousPid) : null;
    const children = await this.views(await this.repository.childrenOf(pid, reader.scope));
    const brief = (v: ProcessView): ProcessBrief => ({
      pid: v.pid,
      service: v.service,
      serviceLabel: v.serviceLabel,
      state: v.state,
      kind: v.kind,
      assignee: v.assignee,
      assigneeName: v.assigneeName,
    });
    return {
      ...p,
      parent: parent && brief(parent),
      previous: previous && brief(previous),
      children: children.map(brief),
      bookings: await this.repository.bookingsOf(pid),
    };
  }

  /**
   * The audit trail of process `pid`, oldest first, with each row's actor, its display name and its kind.
   * @returns null when the process does not exist or is not readable by `operator`.
   * @throws ProblemException 403 for customers.
   */
  async events(pid: number, operator: AuthenticatedOperator): Promise<ProcessEventView[] | null> {
    const reader = await this.reader(operator);
    if (!(await this.repository.byPid(pid, reader.scope))) return null;
    return (await this.trail.ofProcess(pid)).map((r) => ({
      id: r.id,
      actor: r.actor,
      actorName: r.actorName,
      actorKind: r.actorKind as ProcessEventView['actorKind'],
      action: r.action,
      fromState: r.fromState as ProcessState | null,
      toState: r.toState as ProcessState | null,
      cause: r.cause,
      details: r.details,
      at: r.at.toISOString(),
    }));
  }

  /**
   * The context snapshots of process `pid`, by version; forms the reader may not see are redacted
   * ({@link ProcessReadPolicy}); `hash` is given only when nothing was redacted (an unsalted hash of the full
   * content would let hidden values be confirmed by guessing).
   * @returns null when the process does not exist or is not readable by `operator`.
   * @throws ProblemException 403 for customers.
   */
  async snapshots(pid: number, operator: AuthenticatedOperator): Promise<ProcessSnapshotView[] | null> {
    const scope = await this.policy.scope(operator);
    const p = await this.repository.byPid(pid, scope);
    if (!p) return null;
    const visible = await this.policy.formVisibility(scope, p.design_version);
    return (await this.repository.snapshots(pid)).map((r) => {
      const redactor = new FormRedactor(visible);
      const content = redactor.frame(r.content, p.service);
      const hash = redactor.hidden > 0 ? null : r.hash;
      return { version: r.version, hash, content, createdAt: r.created_at.toISOString() };
    });
  }
}

/** `view` with its form data redacted unless `visible` shows forms of its service. */
function redact(view: ProcessView, visible: FormVisibility): ProcessView {
  if (view.formData === null || visible.sees(view.service)) return view;
  return { ...view, formData: new FormRedactor(visible).form(view.formData) as Record<string, unknown> };
}
