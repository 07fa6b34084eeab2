import { Inject, Injectable } from '@nestjs/common';
import { allowedActions, type Actor, type Changeset, type Clock, type Pcb } from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { DesignRegistry } from '../designs/design-registry.service';
import { OperatorNames } from './persistence/operator-names';
import { ProcessReadRepository } from './persistence/process-read.repository';
import { toProcessView, waitingPoints, type ProcessView } from './process-view';
import { slaDefOf, toSlaView } from './sla-view';

/**
 * Views of PCBs a command has just written, for its answer (no list query's joins to lean on): labels from the
 * design, names from {@link OperatorNames}, the actions offered to the actor, and the SLA clock — the one the
 * changeset wrote, else the stored one (read only for services that have an SLA). Form data is not redacted
 * here: callers pass the view through the read policy.
 */
@Injectable()
export class CommandViews {
  constructor(
    private readonly designs: DesignRegistry,
    private readonly names: OperatorNames,
    private readonly reads: ProcessReadRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `pcb` as `actor` sees it after the command (`cs`: its changeset, when it wrote one). */
  async of(pcb: Pcb, actor: Actor, entityLabel: string | null, cs?: Changeset): Promise<ProcessView> {
    const index = await this.designs.get(pcb.designVersion);
    const names = await this.names.of([pcb.assignee, pcb.creator]);
    const def = slaDefOf(index, pcb.service);
    let sla = null;
    if (def) {
      const clock =
        cs?.scheduler.sla.find((s) => s.pid === pcb.pid)?.clock ??
        (await this.reads.slaClocks([pcb.pid])).get(pcb.pid) ??
        null;
      sla = clock && toSlaView(clock, def);
    }
    return toProcessView(
      pcb,
      {
        service: index.services.get(pcb.service)?.label,
        entity: entityLabel,
        assignee: pcb.assignee && names.get(pcb.assignee),
        creator: pcb.creator && names.get(pcb.creator),
        effectivePoints: waitingPoints(pcb, this.clock.now(), index.scheduler.settings),
      },
      allowedActions(pcb, actor, index),
      sla,
    );
  }
}
