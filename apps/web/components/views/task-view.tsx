'use client';
import type { ErrorSchema } from '@rjsf/utils';
import { AppLink } from '../app-link';
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import { serviceOf, useDesign } from '../../lib/design';
import { toExtraErrors } from '../../lib/form-errors';
import { formSchemaOf } from '../../lib/form-schema';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { CompleteBody, ReasonBody, TaskAction, TransferBody } from '../../lib/types/process';
import type { Operator } from '../../lib/types/auth';
import type { ActionAnswer } from '../../lib/types/process';
import { useDraftAutosave } from '../../lib/use-draft-autosave';
import { useProcess } from '../../lib/use-process';
import { useRefOptions } from '../../lib/use-ref-options';
import { useTaskContext } from '../../lib/use-task-context';
import { useTransferredAway } from '../../lib/use-transferred-away';
import { useMe } from '../../lib/viewer';
import { useProcessEvents } from '../../lib/use-process-events';
import { dropHandOff, peekHandOff } from '../../lib/next-task';
import { LoadError } from '../load-error';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';
import { ExpressionWarning } from '../process/expression-warning';
import { AssignmentExplanation } from '../task/assignment-explanation';
import { CascadeList } from '../task/cascade-list';
import { EarlierSteps } from '../task/earlier-steps';
import { ReasonDialog } from '../task/reason-dialog';
import { RequestedSteps } from '../task/requested-steps';
import { TaskActionBar } from '../task/task-action-bar';
import { TaskForm } from '../task/task-form';
import { TaskSummary } from '../task/task-summary';
import { TransferDialog } from '../task/transfer-dialog';
import { WithPidParam } from '../pid-param';

type DialogKind = 'suspend' | 'cancel' | 'transfer';

/** `/task/?pid=N`. */
export function TaskView() {
  return <WithPidParam page={(pid) => <TaskPage key={pid} pid={pid} />} />;
}

/** A transfer target: an operator whose roles allow the task's service. */
type TransferCandidate = Pick<Operator, 'key' | 'label' | 'roles'>;

/** Operators the task may go to (GET /processes/{pid}/transfer-candidates); null until loaded or on error (→ free text). */
function useTransferTargets(pid: number): TransferCandidate[] | null {
  const [operators, setOperators] = useState<TransferCandidate[] | null>(null);
  useEffect(() => {
    let alive = true;
    api.get<TransferCandidate[]>(`/v1/processes/${pid}/transfer-candidates`).then(
      (all) => alive && setOperators(all),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [pid]);
  return operators;
}

function TaskPage({ pid }: { pid: number }) {
  const { t } = useTranslation();
  const design = useDesign();
  const { data: p, error, reload } = useProcess(pid);
  const me = useMe().operator;
  const operators = useTransferTargets(pid);
  const ctx = useTaskContext(pid, p?.entity ?? null);
  const refOptions = useRefOptions(design);
  const mine = p !== null && p.assignee === me.key;
  const autosave = useDraftAutosave(
    pid,
    mine && (p?.state === 'RUNNING' || p?.state === 'SUSPENDED'),
    ctx.context?.draft?.formData ?? null,
  );
  const transferredTo = useTransferredAway(pid, p, me.key);
  const events = useProcessEvents(pid, p?.version);
  const formId = useId();
  const explanationId = `${formId}-why`;
  const [explanationOpen, setExplanationOpen] = useState(false);
  // Opened from My tasks' Next task: that answer says which task this is and why (shown once).
  const [handed] = useState(() => peekHandOff(pid));
  useEffect(() => dropHandOff(pid), [pid]);
  const showWhy = () => {
    setExplanationOpen(true);
    requestAnimationFrame(() => {
      const panel = document.getElementById(explanationId);
      panel?.scrollIntoView({ block: 'nearest' });
      panel?.querySelector<HTMLElement>('summary')?.focus();
    });
  };
  const [message, setMessage] = useState<NoticeMessage | null>(() =>
    handed
      ? notice(
          'success',
          <p className="notice-line">
            <span data-testid="next-task-got">
              {t('next.got', { label: handed.process.serviceLabel, pid: handed.process.pid })}
            </span>{' '}
            <button type="button" className="btn btn-small" data-testid="why-this-task" onClick={showWhy}>
              {t('explain.title')}
            </button>
          </p>,
        )
      : null,
  );
  const [formError, setFormError] = useState<string | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [busy, setBusy] = useState<TaskAction | null>(null);
  const [dialog, setDialog] = useState<DialogKind | null>(null);

  const service = serviceOf(design, p?.service);
  const schema = useMemo(() => formSchemaOf(service?.form), [service]);
  // What the API offers this reader (the kernel's allowedActions): the page shows those and nothing else.
  const actions = useMemo(() => new Set<TaskAction>(p?.allowedActions ?? []), [p]);
  const roleLabel = (key: string) => design?.roles.find((r) => r.key === key)?.label ?? key;

  // Bring the first server-side field error into view.
  useEffect(() => {
    if (extraErrors) document.querySelector('.task-form .error-detail')?.scrollIntoView({ block: 'center' });
  }, [extraErrors]);

  const run = async (action: TaskAction, body?: CompleteBody | ReasonBody | TransferBody) => {
    setBusy(action);
    setFormError(null);
    if (action === 'complete') setExtraErrors(undefined);
    transferredTo.acting(action);
    try {
      // No draft save may land after the action: one that ends the task drops it, any other sends it first.
      await (action === 'complete' || action === 'cancel' ? autosave.settle() : autosave.save());
      const answer = await api.post<ActionAnswer>(`/v1/processes/${seg(pid)}/${action}`, body);
      if (action === 'transfer' || action === 'unclaim') transferredTo.released();
      setDialog(null);
      setMessage(
        notice(
          'success',
          <>
            <p>{t(`action.done.${action}`, { operator: body && 'operator' in body ? body.operator : '' })}</p>
            {action === 'complete' && <CascadeList cascade={answer.cascade} />}
          </>,
        ),
      );
      await reload();
    } catch (e) {
      setDialog(null);
      if (action === 'complete' && e instanceof ApiProblem && e.status === 422 && e.fieldErrors.length > 0) {
        const { extra, rest } = toExtraErrors(e.fieldErrors);
        setExtraErrors(extra);
        if (rest.length > 0 || !extra)
          setFormError(rest.map((r) => `${r.field}: ${r.message}`).join('; ') || errorMessage(e));
      } else {
        setFormError(errorMessage(e));
      }
    } finally {
      transferredTo.acting(null);
      setBusy(null);
    }
  };

  const onAction = (action: TaskAction) => {
    if (action === 'suspend' || action === 'cancel' || action === 'transfer') setDialog(action);
    else if (action === 'complete') void run('complete', { form: {} });
    else void run(action);
  };

  if (!p) return <LoadError error={error} onRetry={() => void reload()} />;

  const label = p.serviceLabel;
  const locked = transferredTo.to !== null;
  return (
    <article className="task-page" data-testid="task-page" data-state={p.state} data-pid={p.pid}>
      <PageTitle title={t('task.title', { label, pid: p.pid })} testid="task-title">
        {p.entity && (
          <AppLink href={routes.entity(p.entity)} className="btn btn-ghost">
            {t('task.entityLink')}
          </AppLink>
        )}
      </PageTitle>
      <Notice message={message} onClose={() => setMessage(null)} />
      {locked && (
        <div className="notice notice-error" role="alert" data-testid="transferred-away">
          <div className="notice-body">
            <p>
              {transferredTo.to === ''
                ? t('taskPage.returnedToPool')
                : t('taskPage.transferredAway', { name: transferredTo.to })}
            </p>
            <p className="muted">{t('taskPage.transferredKept')}</p>
          </div>
        </div>
      )}
      {p.state === 'SUSPENDED' && ctx.context && (
        <RequestedSteps
          steps={ctx.context.requested}
          canResume={actions.has('resume') && !locked}
          busy={busy !== null}
          onResume={() => void run('resume')}
        />
      )}
      <LoadError error={error} onRetry={() => void reload()} />
      <ExpressionWarning events={events} />
      <div className="task-layout">
        <div className="task-side">
          <section className="card" aria-label={t('process.details')}>
            <TaskSummary p={p} roleLabel={roleLabel} />
            <TaskActionBar
              actions={actions}
              busy={busy}
              formId={schema ? formId : null}
              formReady={ctx.loaded}
              disabled={locked}
              onAction={onAction}
            />
            {formError && (
              <p className="form-error" data-testid="form-error" role="alert">
                {formError}
              </p>
            )}
          </section>
          {p.kind === 'task' && p.assignee !== null && (
            <AssignmentExplanation
              id={explanationId}
              pid={p.pid}
              assignee={p.assignee}
              roleLabel={roleLabel}
              initial={handed?.explanation ?? null}
              open={explanationOpen}
              onOpenChange={setExplanationOpen}
            />
          )}
          {p.entity && ctx.context && (
            <EarlierSteps steps={ctx.context.earlier} design={design} refOptions={refOptions} />
          )}
        </div>
        <section className="card" aria-labelledby={`${formId}-title`}>
          <h2 id={`${formId}-title`} className="card-title">
            {t('task.form')}
          </h2>
          {schema && ctx.loaded ? (
            <>
              {!actions.has('complete') && !locked && p.state !== 'TERMINATED' && (
                <p className="muted">{t('task.formLocked')}</p>
              )}
              {ctx.context?.draft && (
                <p className="muted" data-testid="draft-restored">
                  {t('taskPage.draftRestored', { time: formatDateTime(ctx.context.draft.savedAt) })}
                </p>
              )}
              <TaskForm
                id={formId}
                schema={schema}
                initialData={p.formData ?? undefined}
                draft={ctx.context?.draft?.formData ?? null}
                prefill={p.state === 'TERMINATED' ? {} : (ctx.context?.prefill ?? {})}
                refOptions={refOptions}
                disabled={!actions.has('complete') || busy !== null || locked}
                completeAtEnd={actions.has('complete') && !locked}
                extraErrors={extraErrors}
                onChange={autosave.change}
                onSubmit={(form) => void run('complete', { form })}
              />
            </>
          ) : (
            <p className="muted">{design && !schema ? t('task.noForm') : t('app.loading')}</p>
          )}
        </section>
      </div>
      {(dialog === 'suspend' || dialog === 'cancel') && (
        <ReasonDialog
          title={dialog === 'suspend' ? t('dialog.suspendTitle') : t('dialog.cancelTitle')}
          confirmLabel={dialog === 'suspend' ? t('action.suspend') : t('action.cancel')}
          warning={dialog === 'cancel' ? t('dialog.cancelWarning') : undefined}
          danger={dialog === 'cancel'}
          busy={busy !== null}
          onConfirm={(reason) => void run(dialog, { reason })}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'transfer' && (
        <TransferDialog
          operators={operators}
          busy={busy !== null}
          onConfirm={(operator) => void run('transfer', { operator })}
          onClose={() => setDialog(null)}
        />
      )}
    </article>
  );
}
