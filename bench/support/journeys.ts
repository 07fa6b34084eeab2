import type { ProcessView } from '@opkernel/contracts';
import { ApiClient, ApiProblem } from '../../apps/api/src/journey/api-client';
import { CLINIC_STAFF } from '../../apps/api/src/journey/clinic-journey';
import { sampleForm } from '../../apps/api/src/journey/sample-form';
import type { CascadeItem } from '../../apps/api/src/modules/processes/processes.service';
import { benchPassword, ENTRY_SERVICE } from './clinic';

/** A REST call the journey made, for statistics. */
export type JourneyCall = {
  /** `journey` (POST /processes), `claim`, `start`, `suspend`, `complete`, or `read` (a GET). */
  kind: 'journey' | 'claim' | 'start' | 'suspend' | 'complete' | 'read';
  method: string;
  path: string;
  ms: number;
};

/** The command kinds of a journey (each one transaction in the API). */
export const COMMAND_KINDS = ['journey', 'claim', 'start', 'suspend', 'complete'] as const;

type Task = Pick<ProcessView, 'pid' | 'service' | 'state' | 'kind' | 'assignee' | 'candidateRoles'>;
type Design = {
  services: { key: string; form: Record<string, unknown> | null }[];
  rules: { subject: string; event: string }[];
  events: { key: string; expression: string }[];
};

/** A logged-in operator that logs in again when its access token has expired (401). */
export class Session {
  private constructor(
    private client: ApiClient,
    private readonly baseUrl: string,
    readonly username: string,
    private readonly password: string,
  ) {}

  /** Logs `username` in. */
  static async open(baseUrl: string, username: string, password: string): Promise<Session> {
    return new Session(await ApiClient.login(baseUrl, username, password), baseUrl, username, password);
  }

  /** The current access token (for socket.io). */
  get accessToken(): string {
    return this.client.accessToken!;
  }

  /** `method /api<path>`; on a 401 logs in again once and retries. @throws ApiProblem */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.client.request<T>(method, path, body);
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status !== 401) throw e;
      this.client = await ApiClient.login(this.baseUrl, this.username, this.password);
      return this.client.request<T>(method, path, body);
    }
  }
}

/**
 * Drives whole customer journeys of the clinic design over REST, like `runClinicJourney` (apps/api/src/journey):
 * 小方 starts 客户服务 for a new customer, then the customer's open tasks are worked until the root is TERMINATED —
 * the assignee completes each, a pool task is claimed first by a staff member whose roles allow it, and a task
 * whose service has a SUSPENDED rule (面诊评估) is started and suspended once ("request service"). Unlike
 * `runClinicJourney` the staff log in once ({@link ClinicJourneys.open}) and any number of journeys run at once.
 */
export class ClinicJourneys {
  private constructor(
    private readonly admin: Session,
    private readonly staff: Map<string, { session: Session; roles: string[] }>,
    private readonly fang: Session,
    private readonly design: Design,
    private readonly suspendServices: Set<string>,
  ) {}

  /**
   * Logs in the admin (`adminPassword`) and the clinic staff (fresh passwords, set by the admin); the clinic
   * design must be the current one.
   */
  static async open(baseUrl: string, adminPassword: string): Promise<ClinicJourneys> {
    const admin = await Session.open(baseUrl, 'admin', adminPassword);
    const design = await admin.request<Design>('GET', '/v1/designs/current');
    const operators = await admin.request<{ key: string; username: string | null; roles: string[] }[]>(
      'GET',
      '/v1/operators',
    );
    const staff = new Map<string, { session: Session; roles: string[] }>();
    for (const username of CLINIC_STAFF) {
      const op = operators.find((o) => o.username === username);
      if (!op) throw new Error(`operator with username ${username} is missing from the design`);
      const password = benchPassword();
      await admin.request('PUT', `/v1/operators/${encodeURIComponent(op.key)}/password`, { password });
      staff.set(op.key, { session: await Session.open(baseUrl, username, password), roles: op.roles });
    }
    const suspendEvents = new Set(design.events.filter((e) => /"SUSPENDED"/.test(e.expression)).map((e) => e.key));
    const suspendServices = new Set(design.rules.filter((r) => suspendEvents.has(r.event)).map((r) => r.subject));
    const fang = [...staff.values()].find((s) => s.session.username === 'fang')!.session;
    return new ClinicJourneys(admin, staff, fang, design, suspendServices);
  }

  /**
   * Runs one journey for a new customer `label` to its end.
   * @param onCall receives every REST call with its latency
   * @param around wraps every REST call (e.g. to count its statements)
   * @returns the root pid and the number of commands
   * @throws ApiProblem on an unexpected answer; Error when the journey stops making progress
   */
  async run(
    label: string,
    onCall: (call: JourneyCall) => void = () => undefined,
    around: <T>(kind: JourneyCall['kind'], path: string, fn: () => Promise<T>) => Promise<T> = (_k, _p, fn) => fn(),
  ): Promise<{ rootPid: number; commands: number }> {
    let commands = 0;
    const call = async <T>(who: Session, kind: JourneyCall['kind'], method: string, path: string, body?: unknown) => {
      const t0 = performance.now();
      const r = await around(kind, path, () => who.request<T>(method, path, body));
      onCall({ kind, method, path, ms: performance.now() - t0 });
      if (kind !== 'read') commands++;
      return r;
    };
    const root = await call<Task & { entity: { type: string; id: string }; cascade: CascadeItem[] }>(
      this.fang,
      'journey',
      'POST',
      '/v1/processes',
      { service: ENTRY_SERVICE, entity: { type: 'Operator', label } },
    );
    const entityPath = `/v1/entities/${root.entity.type}/${encodeURIComponent(root.entity.id)}/tasks`;
    const suspended = new Set<number>();
    for (let round = 0; round < 60; round++) {
      const groups = await call<{ scheduled: Task[]; running: Task[]; paused: Task[]; done: Task[] }>(
        this.admin,
        'read',
        'GET',
        entityPath,
      );
      if (groups.done.some((t) => t.pid === root.pid)) return { rootPid: root.pid, commands };
      const task = [...groups.scheduled, ...groups.running]
        .filter((t) => t.kind === 'task')
        .sort((a, b) => a.pid - b.pid)[0];
      if (!task)
        throw new Error(
          `journey stuck: no open task (paused: ${groups.paused.map((t) => `${t.service}/${t.state}`).join(', ')})`,
        );
      let who = task.assignee;
      if (!who) {
        const claimer = [...this.staff.entries()].find(([, s]) => s.roles.some((r) => task.candidateRoles.includes(r)));
        if (!claimer) throw new Error(`no staff member may claim ${task.service}`);
        await call(claimer[1].session, 'claim', 'POST', `/v1/processes/${task.pid}/claim`, {});
        who = claimer[0];
      }
      const session = this.staff.get(who)?.session ?? this.admin;
      if (this.suspendServices.has(task.service) && task.state !== 'SUSPENDED' && !suspended.has(task.pid)) {
        if (task.state === 'READY') await call(session, 'start', 'POST', `/v1/processes/${task.pid}/start`, {});
        await call(session, 'suspend', 'POST', `/v1/processes/${task.pid}/suspend`, {
          reason: 'request service: skin examination needed',
        });
        suspended.add(task.pid);
        continue;
      }
      const form = sampleForm(this.design.services.find((s) => s.key === task.service)?.form);
      await call(session, 'complete', 'POST', `/v1/processes/${task.pid}/complete`, { form });
    }
    throw new Error('journey did not finish within 60 rounds');
  }
}
