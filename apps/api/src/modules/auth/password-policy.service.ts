import { createRequire } from 'node:module';
import { Injectable } from '@nestjs/common';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ProblemException } from '../../infra/problem/problem.exception';

/** Least zxcvbn score (0–4) a new password needs: 3 = "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;
/** Shortest and longest password accepted, characters. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** Outcome of {@link PasswordPolicy.assess}: null when acceptable, else the reason to show the user. */
export type PasswordVerdict = string | null;

/**
 * The password policy: at least {@link MIN_PASSWORD_LENGTH} characters and a zxcvbn-ts strength score of at least
 * {@link MIN_PASSWORD_SCORE}, judged with the operator's own username and label as extra dictionary words (a
 * password made of one's name is weak). Source: zxcvbn (Wheeler, USENIX Security 2016) via @zxcvbn-ts.
 */
@Injectable()
export class PasswordPolicy {
  private estimator: ZxcvbnFactory | undefined;

  /**
   * The estimator, loaded with its dictionaries on the first password assessed: they take about 20 MB of heap that
   * a server whose passwords are not being set does not need (a synchronous require, so `assess` stays synchronous).
   */
  private get zxcvbn(): ZxcvbnFactory {
    if (!this.estimator) {
      const load = createRequire(__filename);
      const { ZxcvbnFactory } = load('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
      const common = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
      const en = load('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
      this.estimator = new ZxcvbnFactory({
        translations: en.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...en.dictionary },
      });
    }
    return this.estimator;
  }

  /** Null when `password` is acceptable for the operator with `userInputs` (username, label …), else the reason. */
  assess(password: string, userInputs: (string | null | undefined)[] = []): PasswordVerdict {
    if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
    if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
    const inputs = userInputs.filter((s): s is string => typeof s === 'string' && s.length > 0);
    const result = this.zxcvbn.check(password, inputs);
    if (result.score >= MIN_PASSWORD_SCORE) return null;
    const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
    return `is too easy to guess (strength ${result.score} of 4, at least ${MIN_PASSWORD_SCORE} needed)${hints ? `: ${hints}` : ''}`;
  }

  /**
   * Throws a 422 naming `field` when `password` is not acceptable.
   * @throws ProblemException 422 with `errors: [{ field, message: reason }]`.
   */
  enforce(password: string, field: string, userInputs: (string | null | undefined)[] = []): void {
    const reason = this.assess(password, userInputs);
    if (reason) throw ProblemException.unprocessable(`the password ${reason}`, [{ field, message: reason }]);
  }
}
