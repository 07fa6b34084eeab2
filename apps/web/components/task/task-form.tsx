'use client';
import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import { uiSchemaOf } from '../../lib/form-schema';

type FormData = Record<string, unknown>;

type Props = {
  /** id of the <form>, so the Complete button can submit it from elsewhere (`form=` attribute). */
  id: string;
  schema: RJSFSchema;
  initialData: FormData | undefined;
  disabled: boolean;
  /** Server-side field errors (422), shown at their fields. */
  extraErrors: ErrorSchema | undefined;
  onSubmit(data: FormData): void;
};

/**
 * The service's form (JSON Schema → @rjsf/core, validated client-side with ajv8). The typed data lives here
 * and survives reloads of the task and failed submissions.
 */
export function TaskForm({ id, schema, initialData, disabled, extraErrors, onSubmit }: Props) {
  const [data, setData] = useState<FormData | undefined>(initialData);
  const uiSchema = useMemo(() => uiSchemaOf(schema), [schema]);
  return (
    <Form<FormData>
      id={id}
      className="rjsf task-form"
      schema={schema}
      uiSchema={uiSchema}
      validator={validator}
      formData={data}
      onChange={(e) => setData(e.formData)}
      onSubmit={(e) => onSubmit(e.formData ?? {})}
      // The refusal is shown at the fields; without a handler rjsf would also console.error it.
      onError={() => undefined}
      extraErrors={extraErrors}
      disabled={disabled}
      showErrorList={false}
      focusOnFirstError
      noHtml5Validate
    />
  );
}
