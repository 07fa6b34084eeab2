'use client';
import type { ValidatorType } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import localizeEn from 'ajv-i18n/localize/en';
import localizeZh from 'ajv-i18n/localize/zh';
import type { Language } from './i18n';

const validators = new Map<Language, ValidatorType>();

/**
 * The task form's validator (@rjsf/validator-ajv8) with Ajv's messages in the interface's language: ajv-i18n's
 * translations ("应当是 integer 类型" rather than "must be integer"), one validator per language, built once.
 */
export function formValidator(language: Language): ValidatorType {
  let validator = validators.get(language);
  if (!validator) {
    validator = customizeValidator({}, language === 'zh' ? localizeZh : localizeEn);
    validators.set(language, validator);
  }
  return validator;
}
