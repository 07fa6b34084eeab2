'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { serviceOf, useDesign } from '../../lib/design';
import { routes } from '../../lib/routes';
import { useProcess } from '../../lib/use-process';
import { useProcessHistory } from '../../lib/use-process-history';
import { LoadError } from '../load-error';
import { PageTitle } from '../page-title';
import { AuditTrail } from '../process/audit-trail';
import { ExpressionWarning } from '../process/expression-warning';
import { ProcessRelations } from '../process/process-relations';
import { ProcessSummary } from '../process/process-summary';
import { SnapshotList } from '../process/snapshot-list';
import { StageProgress } from '../process/stage-progress';
import { WithPidParam } from '../pid-param';

/** `/process/?pid=N`. */
export function ProcessView() {
  return <WithPidParam page={(pid) => <ProcessPage key={pid} pid={pid} />} />;
}

function ProcessPage({ pid }: { pid: number }) {
  const { t } = useTranslation();
  const design = useDesign();
  const { data: p, error, reload } = useProcess(pid);
  const history = useProcessHistory(pid, p?.version);
  if (!p) return <LoadError error={error} onRetry={() => void reload()} />;
  const serviceLabel = (key: string) => serviceOf(design, key)?.label ?? key;
  const roleLabel = (key: string) => design?.roles.find((r) => r.key === key)?.label ?? key;
  return (
    <article className="process-page" data-testid="process-page" data-state={p.state} data-pid={p.pid}>
      <PageTitle title={t('process.title', { label: p.serviceLabel, pid: p.pid })}>
        {p.kind === 'task' && (
          <AppLink href={routes.task(p.pid)} className="btn btn-ghost" data-testid="link-task">
            {t('process.taskLink')}
          </AppLink>
        )}
      </PageTitle>
      <LoadError error={error ?? history.error} onRetry={() => void reload()} />
      <ExpressionWarning events={history.events} />
      <div className="process-layout">
        <section className="card" aria-label={t('process.details')}>
          <ProcessSummary p={p} serviceLabel={serviceLabel} roleLabel={roleLabel} />
          <ProcessRelations p={p} />
        </section>
        {p.kind === 'system' && <StageProgress pid={p.pid} version={p.version} />}
        <AuditTrail events={history.events} />
        <SnapshotList snapshots={history.snapshots} />
      </div>
    </article>
  );
}
