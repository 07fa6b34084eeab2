import { Injectable } from '@nestjs/common';
import type { CommandAnswer } from '@opkernel/contracts';
import { randomUUID } from 'node:crypto';
import type { Actor, Changeset, EntityRef, Kernel } from '@opkernel/kernel';
import { actorOf, type AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { ProblemException } from '../../infra/problem/problem.exception';
import { DesignRegistry } from '../designs/design-registry.service';
import type { StartProcessDto } from './dtos/process.dto';
import { FormValidator } from './form-validator.service';
import { IdempotencyService, type IdempotentRequest } from './idempotency/idempotency.service';
import type { PgProcessStore } from './persistence/pg-process-store';
import type { SqlRunner } from './persistence/sql-runner';
import { ProcessCommands, type ExecuteOptions } from './process-commands.service';
import { ProcessQueries } from './process-queries.service';
import { ProcessReadPolicy, type ReadScope } from './process-read.policy';
import { CommandViews } from './command-views';
import { OperatorNames } from './persistence/operator-names';

/** A process changed by a command's cascade, and the answer of a command (`@opkernel/contracts`). */
export type { CascadeItem, CommandAnswer } from '@opkernel/contracts';

/** Operator actions on a process (the REST verbs under /processes/{pid}/…). */
export type ProcessAction =
  'claim' | 'unclaim' | 'start' | 'complete' | 'suspend' | 'resume' | 'cancel' | 'transfer' | 'retry' | 'reopen';

/**
 * Process use cases: validate input at the edge of the kernel (entity, form), run the kernel command in one
 * transaction, and answer with the resulting PCB plus the cascade it caused.
 */
@Injectable()
export class ProcessesService {
  constructor(
    private readonly commands: ProcessCommands,
    private readonly queries: ProcessQueries,
    private readonly designs: DesignRegistry,
    private readonly forms: FormValidator,
    private readonly idempotency: IdempotencyService,
    private readonly policy: ProcessReadPolicy,
    private readonly views: CommandViews,
    private readonly names: OperatorNames,
  ) {}

  /** The command options recording `idem` in the command's transaction (none without a key). */
  private options(idem: IdempotentRequest | null): ExecuteOptions {
    return idem ? { before: (tx) => this.idempotency.claim(tx, idem) } : {};
  }

  /** Inside the command's transaction: notes the answered pid on the pending idempotency key. */
  private async noted(tx: SqlRunner, idem: IdempotentRequest | null, cs: Changeset): Promise<Changeset> {
    if (idem) await this.idempotency.notePid(tx, idem, cs.result.pid);
    return cs;
  }

  /**
   * The answer to a command, built from its committed changeset (nothing is read back): the result process with
   * its labels and the actions now offered to the actor, and the cascade (the other processes the command changed), both through the read policy — forms
   * redacted as for a GET, and only the cascade entries the caller may read.
   * @param entityLabel the label of the result's entity, as the command read or created it
   */
  private async respond(
    cs: Changeset,
    scope: ReadScope,
    actor: Actor,
    entityLabel: string | null,
  ): Promise<CommandAnswer> {
    const index = await this.designs.get(cs.result.designVersion);
    const view = await this.queries.redacted(await this.views.of(cs.result, actor, entityLabel, cs), scope);
    const pcbs = new Map([...cs.created, ...cs.updated.map((u) => u.pcb)].map((p) => [p.pid, p]));
    const readable: typeof cs.changes = [];
    for (const c of cs.changes) {
      const pcb = pcbs.get(c.pid);
      if (c.pid !== cs.result.pid && pcb && (await this.policy.mayRead(scope, pcb))) readable.push(c);
    }
    const names = await this.names.of(readable.map((c) => c.assignee));
    const cascade = readable.map((c) => ({
      pid: c.pid,
      service: c.service,
      serviceLabel: index.services.get(c.service)?.label ?? c.service,
      kind: c.kind,
      state: c.state,
      fromState: c.fromState,
      assignee: c.assignee,
      assigneeName: c.assignee === null ? null : (names.get(c.assignee) ?? c.assignee),
      candidateRoles: c.candidateRoles,
    }));
    return { ...view, cascade };
  }

  /** The label of the result's entity: known to the command's store, else read once (null: none). */
  private async resultEntityLabel(store: PgProcessStore, cs: Changeset): Promise<string | null> {
    const ref = cs.result.entity;
    if (!ref) return null;
    const known = store.knownEntityLabel(ref);
    return known !== undefined ? known : ((await store.entity(ref))?.label ?? null);
  }

  private async resolveEntity(
    store: PgProcessStore,
    entity: StartProcessDto['entity'],
    expectedType: string | null,
  ): Promise<EntityRef> {
    if (expectedType && entity.type !== expectedType) {
      throw ProblemException.unprocessable(`this service serves entities of type "${expectedType}"`, [
        { field: 'entity.type', message: `must be "${expectedType}"` },
      ]);
    }
    if ('id' in entity) {
      const found = await store.entity({ type: entity.type, id: entity.id });
      if (!found)
        throw ProblemException.unprocessable(`entity ${entity.type}/${entity.id} does not exist`, [
          { field: 'entity.id', message: 'no such entity' },
        ]);
      return { type: entity.type, id: entity.id };
    }
    const id = randomUUID();
    await store.createEntity({ type: entity.type, id, label: entity.label, attributes: {} });
    return { type: entity.type, id };
  }

  /**
   * Starts a journey by hand in the current design version, for an existing entity (`{type, id}`) or a new
   * one (`{type, label}`, created in the same transaction). With `idem`, the idempotency key is recorded in
   * the command's transaction.
   * @throws ProblemException 409 when no design is imported; 422 for an unknown service (field `service`), a
   *   wrong entity type (`entity.type`) or a missing entity (`entity.id`); kernel errors (403 FORBIDDEN …);
   *   IdempotencyKeyTaken when a concurrent request with the same key committed first.
   */
  async start(
    body: StartProcessDto,
    actor: AuthenticatedOperator,
    idem: IdempotentRequest | null = null,
  ): Promise<CommandAnswer> {
    const scope = await this.policy.scope(actor);
    const current = await this.designs.current();
    if (!current) throw ProblemException.conflict('no design has been imported yet');
    const service = current.index.services.get(body.service);
    if (!service || service.kind === 'program') {
      throw ProblemException.unprocessable(`unknown service "${body.service}"`, [
        { field: 'service', message: 'no such service in the current design' },
      ]);
    }
    let entityLabel: string | null = null;
    const cs = await this.commands.execute(async (kernel, tx, store) => {
      const entity = await this.resolveEntity(store, body.entity, service.entityType);
      const started = await kernel.startProcess({
        service: body.service,
        designVersion: current.version.version,
        entity,
        priority: body.priority,
        scheduledAt: body.scheduledAt ?? null,
        deadline: body.deadline ?? null,
        fairnessKey: body.fairnessKey,
        actor: actorOf(actor),
      });
      entityLabel = await this.resultEntityLabel(store, started);
      return this.noted(tx, idem, started);
    }, this.options(idem));
    return this.respond(cs, scope, actorOf(actor), entityLabel);
  }

  /**
   * Runs one operator action. `payload` carries `form`, `reason` or `operator` as the action needs; a
   * completion's form is validated against the service's JSON Schema first. With `idem`, the idempotency key
   * is recorded in the command's transaction. The read policy comes first: a process the caller may not read
   * answers 404 exactly like a missing one, before any other check (so no error names its service or assignee).
   * @throws ProblemException 404 (missing or not readable), 403 for customers; 422 with `form.<field>` errors; kernel errors mapped by the problem filter (404
   *   PROCESS_NOT_FOUND, 409 ILLEGAL_TRANSITION / ALREADY_CLAIMED, 403 FORBIDDEN / NOT_ASSIGNEE, …);
   *   IdempotencyKeyTaken when a concurrent request with the same key committed first.
   */
  async act(
    pid: number,
    action: ProcessAction,
    actor: AuthenticatedOperator,
    payload: { form?: Record<string, unknown>; reason?: string; operator?: string } = {},
    idem: IdempotentRequest | null = null,
  ): Promise<CommandAnswer> {
    const scope = await this.policy.scope(actor);
    let entityLabel: string | null = null;
    const cs = await this.commands.execute(async (kernel, tx, store) => {
      // The process is locked (with its frame and entity) before anything else is looked at; the kernel's own
      // read of it is then answered from the store.
      const p = await store.get(pid);
      if (!p || !(await this.policy.mayRead(scope, p)))
        throw ProblemException.notFound(`process ${pid} does not exist`);
      if (action === 'complete') {
        const errors = await this.forms.validate(p.designVersion, p.service, payload.form ?? {});
        if (errors.length > 0) throw ProblemException.unprocessable('the form has invalid fields', errors);
      }
      const done = await runAction(kernel, pid, action, actorOf(actor), payload);
      entityLabel = await this.resultEntityLabel(store, done);
      return this.noted(tx, idem, done);
    }, this.options(idem));
    return this.respond(cs, scope, actorOf(actor), entityLabel);
  }
}

/** Runs `action` on `pid` with `kernel` (one switch over the REST verbs). */
function runAction(
  kernel: Kernel,
  pid: number,
  action: ProcessAction,
  actor: Actor,
  payload: { form?: Record<string, unknown>; reason?: string; operator?: string },
): Promise<Changeset> {
  switch (action) {
    case 'claim':
      return kernel.claim(pid, actor);
    case 'unclaim':
      return kernel.unclaim(pid, actor);
    case 'start':
      return kernel.start(pid, actor);
    case 'complete':
      return kernel.complete(pid, actor, payload.form ?? {});
    case 'suspend':
      return kernel.suspend(pid, actor, payload.reason ?? '');
    case 'resume':
      return kernel.resume(pid, actor);
    case 'cancel':
      return kernel.cancel(pid, actor, payload.reason ?? '');
    case 'transfer':
      return kernel.transfer(pid, actor, payload.operator ?? '');
    case 'retry':
      return kernel.retry(pid, actor);
    case 'reopen':
      return kernel.reopen(pid, actor);
  }
}
