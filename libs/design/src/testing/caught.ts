import { DesignValidationError } from '../validation/design-issue';

/** Runs `fn`, which must throw a {@link DesignValidationError}, and returns it. @throws otherwise */
export function caught(fn: () => unknown): DesignValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DesignValidationError) return err;
    throw err;
  }
  throw new Error('expected a DesignValidationError');
}
