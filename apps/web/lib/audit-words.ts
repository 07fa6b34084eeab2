import type { TFunction } from 'i18next';
import type { ProcessEvent } from './types/process';

/** `rule.fired` → `rule_fired`: an audit action as a key of the `audit.action` strings (i18next nests on dots). */
const actionKey = (action: string) => action.replace(/[.\s]+/g, '_');

/** An action the locales do not know yet, readable: `sla.passed_deadline` → `sla passed deadline`. */
const humanize = (action: string) => action.replace(/[._]+/g, ' ').trim();

/** An audit row's action in words (`rule.fired` → "Rule fired" / "规则触发"); unknown actions humanized. */
export function actionWord(t: TFunction, action: string): string {
  return t(`audit.action.${actionKey(action)}`, { defaultValue: humanize(action) });
}

/**
 * Who wrote an audit row, in words: the operator's (or API token's) name, else the kind of actor (timer,
 * scheduler, worker), else "system" for the kernel's own rule steps. Never the operator key unless the API
 * knows no name for it.
 */
export function actorWord(t: TFunction, e: Pick<ProcessEvent, 'actor' | 'actorName' | 'actorKind'>): string {
  if (e.actorName) return e.actorName;
  if (e.actorKind && e.actorKind !== 'operator' && e.actorKind !== 'integration')
    return t(`audit.actor.${e.actorKind}`, { defaultValue: e.actorKind });
  return e.actor ?? t('timeline.system');
}
