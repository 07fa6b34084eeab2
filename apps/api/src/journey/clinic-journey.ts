import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CascadeItem } from '../modules/processes/processes.service';
import type { ProcessView } from '../modules/processes/process-view';
import { ApiClient, ApiProblem } from './api-client';
import { sampleForm } from './sample-form';

type Task = Pick<
  ProcessView,
  'pid' | 'service' | 'serviceLabel' | 'state' | 'kind' | 'assignee' | 'candidateRoles' | 'suspendReason'
>;
type Cascade = CascadeItem;
type Design = {
  services: { key: string; label: string; form: Record<string, unknown> | null }[];
  rules: { subject: string; event: string }[];
  events: { key: string; expression: string }[];
};
type Me = { key: string; roles: string[] };

/** One step the journey took, for printing and for tests. */
export type JourneyStep = {
  operator: string;
  action: string;
  pid: number;
  service: string;
  label: string;
  created: Cascade[];
};

/** The clinic's staff accounts the journey works as (erpsys usernames → operator keys in the fixture). */
export const CLINIC_STAFF = ['fang', 'jiang', 'chen'] as const;

/** Repo-relative path of the erpsys clinic fixture. */
export const CLINIC_FIXTURE = path.resolve(__dirname, '../../../../fixtures/erpsys/backup.json');

/**
 * Drives one whole customer journey of the clinic design through the REST API, as the clinic's operators:
 * imports the design when none is current, gives the staff passwords (as the admin), starts 客户服务 for a new
 * customer as 小方 (客服), then repeatedly works the customer's open tasks — the assignee completes them, pool
 * tasks are claimed by a staff member whose roles allow them — and suspends a task ("request service") when
 * the design has a SUSPENDED rule for its service (面诊评估). Stops when the journey's root is TERMINATED.
 * @param log receives one line per step
 * @returns the steps and the root pid
 * @throws ApiProblem on any unexpected API answer; Error when the journey stops making progress
 */
export async function runClinicJourney(
  baseUrl: string,
  adminPassword: string,
  log: (line: string) => void = () => undefined,
) {
  const admin = await ApiClient.login(baseUrl, 'admin', adminPassword);
  try {
    await admin.get('/v1/designs/current');
  } catch (e) {
    if (!(e instanceof ApiProblem) || e.status !== 404) throw e;
    const rows = JSON.parse(readFileSync(CLINIC_FIXTURE, 'utf8'));
    const r = await admin.post<{ version: number; counts: Record<string, number> }>('/v1/designs?format=erpsys', rows);
    log(`imported the clinic design as version ${r.version}: ${JSON.stringify(r.counts)}`);
  }
  const design = await admin.get<Design>('/v1/designs/current');
  const operators = await admin.get<{ key: string; username: string | null; roles: string[] }[]>('/v1/operators');
  const staff = new Map<string, { client: ApiClient; me: Me; username: string }>();
  for (const username of CLINIC_STAFF) {
    const op = operators.find((o) => o.username === username);
    if (!op) throw new Error(`operator with username ${username} is missing from the design`);
    const password = randomBytes(12).toString('base64url');
    await admin.put(`/v1/operators/${encodeURIComponent(op.key)}/password`, { password });
    const client = await ApiClient.login(baseUrl, username, password);
    staff.set(op.key, { client, me: { key: op.key, roles: op.roles }, username });
  }
  const adminMe = await admin.get<{ operator: Me } & Me>('/v1/me');
  const adminKey = (adminMe.operator ?? adminMe).key;
  const clientOf = (key: string) => (key === adminKey ? admin : staff.get(key)?.client);
  const suspendEvents = new Set(design.events.filter((e) => /"SUSPENDED"/.test(e.expression)).map((e) => e.key));
  const suspendServices = new Set(design.rules.filter((r) => suspendEvents.has(r.event)).map((r) => r.subject));
  const label = (key: string) => design.services.find((s) => s.key === key)?.label ?? key;
  const steps: JourneyStep[] = [];
  const say = (who: string, action: string, t: { pid: number; service: string }, created: Cascade[]) => {
    steps.push({ operator: who, action, pid: t.pid, service: t.service, label: label(t.service), created });
    const made = created
      .filter((c) => c.fromState === null)
      .map(
        (c) =>
          `${c.serviceLabel} #${c.pid} → ${c.kind === 'program' ? 'program (run by the kernel)' : (c.assignee ?? `pool [${c.candidateRoles.join(', ')}]`)}`,
      );
    const ended = created.filter((c) => c.state === 'TERMINATED').map((c) => `${c.serviceLabel} #${c.pid}`);
    log(
      `${who.padEnd(14)} ${action.padEnd(9)} ${label(t.service)} #${t.pid}${made.length ? `  ⇒ new: ${made.join('; ')}` : ''}${ended.length ? `  ⇒ ended: ${ended.join(', ')}` : ''}`,
    );
  };

  const fang = staff.get(operators.find((o) => o.username === 'fang')!.key)!;
  const entries = await fang.client.get<{ service: string }[]>('/v1/entry-points?entityType=Operator');
  if (!entries.some((e) => e.service === 'ke_hu_fu_wu')) throw new Error('客户服务 is not an entry point for 小方');
  const customer = `客户${new Date().toISOString().slice(11, 19)}`;
  const root = await fang.client.post<Task & { entity: { type: string; id: string }; cascade: Cascade[] }>(
    '/v1/processes',
    {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: customer },
    },
  );
  say(fang.username, 'start', root, root.cascade);
  const entityPath = `/v1/entities/${root.entity.type}/${encodeURIComponent(root.entity.id)}/tasks`;

  for (let round = 0; round < 60; round++) {
    const groups = await admin.get<{ scheduled: Task[]; running: Task[]; paused: Task[]; done: Task[] }>(entityPath);
    if (groups.done.some((t) => t.pid === root.pid)) {
      log(`客户服务 #${root.pid} TERMINATED — journey complete for ${customer} (${groups.done.length} processes done)`);
      return { rootPid: root.pid, entity: root.entity, steps };
    }
    const open = [...groups.scheduled, ...groups.running]
      .filter((t) => t.kind === 'task')
      .sort((a, b) => a.pid - b.pid);
    const task = open[0];
    if (!task)
      throw new Error(
        `journey stuck: no open task (paused: ${groups.paused.map((t) => `${t.service}/${t.state}`).join(', ')})`,
      );
    let who = task.assignee;
    if (!who) {
      const claimer = [...staff.values()].find((s) => s.me.roles.some((r) => task.candidateRoles.includes(r)));
      if (!claimer) throw new Error(`no staff member may claim ${task.service}`);
      const r = await claimer.client.post<{ cascade: Cascade[] }>(`/v1/processes/${task.pid}/claim`);
      say(claimer.username, 'claim', task, r.cascade);
      who = claimer.me.key;
    }
    const client = clientOf(who);
    if (!client) throw new Error(`no client for operator ${who}`);
    const name = staff.get(who)?.username ?? 'admin';
    if (
      suspendServices.has(task.service) &&
      task.state !== 'SUSPENDED' &&
      !steps.some((s) => s.pid === task.pid && s.action === 'suspend')
    ) {
      if (task.state === 'READY')
        say(
          name,
          'start',
          task,
          (await client.post<{ cascade: Cascade[] }>(`/v1/processes/${task.pid}/start`)).cascade,
        );
      const r = await client.post<{ cascade: Cascade[] }>(`/v1/processes/${task.pid}/suspend`, {
        reason: 'request service: skin examination needed',
      });
      say(name, 'suspend', task, r.cascade);
      continue;
    }
    const form = sampleForm(design.services.find((s) => s.key === task.service)?.form);
    const r = await client.post<{ cascade: Cascade[] }>(`/v1/processes/${task.pid}/complete`, { form });
    say(name, 'complete', task, r.cascade);
  }
  throw new Error('journey did not finish within 60 rounds');
}
