import { Injectable } from '@nestjs/common';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DesignRegistry } from '../designs/design-registry.service';

/** A field-level form error: `field` is a dot path such as `form.age`. */
export type FormError = { field: string; message: string };

/**
 * Validates the form submitted with a task completion against the service's JSON Schema (Ajv, compiled once
 * per design version and service). A service without a form accepts any object.
 */
@Injectable()
export class FormValidator {
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false }));
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(private readonly designs: DesignRegistry) {}

  /**
   * Checks `form` against the JSON Schema of `service` in design version `designVersion` (every error, no
   * coercion; formats such as `date` and `email` are checked).
   * @returns field errors (`{ field: 'form.age', message }`; `form` for the root), empty when the form is valid
   *   or the service has no form.
   * @throws Error when the design version does not exist; Ajv's error for a schema it cannot compile.
   * @example await forms.validate(3, 'xin_yu_yue', { age: 'x' }) // [{ field: 'form.age', message: 'must be integer' }]
   */
  async validate(designVersion: number, service: string, form: Record<string, unknown>): Promise<FormError[]> {
    const key = `${designVersion}|${service}`;
    if (!this.compiled.has(key)) {
      const doc = (await this.designs.version(designVersion)).document;
      const schema = doc.services.find((s) => s.key === service)?.form ?? null;
      this.compiled.set(key, schema ? this.ajv.compile({ type: 'object', ...schema }) : null);
    }
    const validate = this.compiled.get(key);
    if (!validate || validate(form)) return [];
    return (validate.errors ?? []).map((e) => {
      const missing =
        e.keyword === 'required' ? `/${String((e.params as { missingProperty?: string }).missingProperty)}` : '';
      const path = `${e.instancePath}${missing}`.split('/').filter(Boolean).join('.');
      return { field: path ? `form.${path}` : 'form', message: e.message ?? 'is invalid' };
    });
  }
}
