'use client';
import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema } from '@rjsf/utils';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uiSchemaOf } from '../../lib/form-schema';
import { formValidator } from '../../lib/form-validator';
import type { PrefillValue } from '../../lib/types/task-page';
import { RefSelectWidget, type RefChoices } from './ref-select-widget';

type FormData = Record<string, unknown>;

type Props = {
  /** id of the <form>, so the Complete button can submit it from elsewhere (`form=` attribute). */
  id: string;
  schema: RJSFSchema;
  /** The task's stored form data (a completed task's), or undefined. */
  initialData: FormData | undefined;
  /** The reader's saved draft: typed earlier, restored over the stored data. */
  draft: FormData | null;
  /** Prefill offers: put into fields that are still empty (never over a draft or typed values), and marked. */
  prefill: Record<string, PrefillValue>;
  /** Choices of the operator / service pickers. */
  refOptions: RefChoices['refOptions'];
  disabled: boolean;
  /** Show a Complete button at the end of the form too (a long form, a phone). */
  completeAtEnd: boolean;
  /** Server-side field errors (422), shown at their fields. */
  extraErrors: ErrorSchema | undefined;
  onSubmit(data: FormData): void;
  /** Every change of the typed data once the user has touched the form (autosave; not rjsf's own mount changes). */
  onChange?(data: FormData): void;
};

/** True when a field holds nothing yet (no value, blank text, an empty list). */
const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The form's first data: stored data, the draft over it, then prefill offers into the fields still empty. */
function startingData(
  initialData: FormData | undefined,
  draft: FormData | null,
  prefill: Record<string, PrefillValue>,
  schema: RJSFSchema,
): { data: FormData; prefilled: Set<string> } {
  const data: FormData = { ...initialData, ...draft };
  const fields = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  const prefilled = new Set<string>();
  for (const field of fields) {
    const offer = prefill[field];
    if (offer && empty(data[field])) {
      data[field] = offer.value;
      prefilled.add(field);
    }
  }
  return { data, prefilled };
}

/**
 * The service's form (JSON Schema → @rjsf/core, validated client-side with ajv8; messages in the interface's
 * language through ajv-i18n). It starts from the stored data, the reader's draft and prefill offers (marked
 * "prefilled" while unchanged); the typed data lives here and survives reloads of the task and failed
 * submissions. Operator and service fields are pickers.
 */
export function TaskForm({
  id,
  schema,
  initialData,
  draft,
  prefill,
  refOptions,
  disabled,
  completeAtEnd,
  extraErrors,
  onSubmit,
  onChange,
}: Props) {
  const { t, i18n } = useTranslation();
  const [start] = useState(() => startingData(initialData, draft, prefill, schema));
  const [data, setData] = useState<FormData | undefined>(start.data);
  const marks = useMemo(() => {
    const out: Record<string, string> = {};
    for (const field of start.prefilled) {
      const offer = prefill[field];
      if (offer && same(data?.[field], offer.value))
        out[field] = t('taskPage.prefilledFrom', { label: offer.serviceLabel, pid: offer.pid });
    }
    return out;
  }, [start, prefill, data, t]);
  const uiSchema = useMemo(() => uiSchemaOf(schema, { marks, refWidget: RefSelectWidget }), [schema, marks]);
  const validator = formValidator(i18n.resolvedLanguage === 'zh' ? 'zh' : 'en');
  const formContext = useMemo<RefChoices>(() => ({ refOptions }), [refOptions]);
  // rjsf also reports changes of its own (defaults filled in on mount): only what follows a user's input counts.
  const touched = useRef(false);
  const touch = () => {
    touched.current = true;
  };
  return (
    <div className="task-form-frame" onChangeCapture={touch} onKeyDownCapture={touch} onClickCapture={touch}>
      <Form<FormData>
        id={id}
        className="rjsf task-form"
        schema={schema}
        uiSchema={uiSchema}
        validator={validator}
        formContext={formContext}
        formData={data}
        onChange={(e) => {
          setData(e.formData);
          if (touched.current) onChange?.(e.formData ?? {});
        }}
        onSubmit={(e) => onSubmit(e.formData ?? {})}
        // The refusal is shown at the fields; without a handler rjsf would also console.error it.
        onError={() => undefined}
        extraErrors={extraErrors}
        disabled={disabled}
        showErrorList={false}
        focusOnFirstError
        noHtml5Validate
      >
        {completeAtEnd ? (
          <div className="form-end-actions">
            <button type="submit" className="btn btn-primary" data-testid="action-complete-end" disabled={disabled}>
              {t('action.complete')}
            </button>
          </div>
        ) : (
          <></>
        )}
      </Form>
    </div>
  );
}
