/** The task page's own REST shapes (wire contracts in `@opkernel/contracts`; types only here). */
export type {
  EarlierStep,
  PrefillValue,
  PutDraftBody,
  RequestedStep,
  StaffMember,
  TaskContext,
  TaskDraft,
} from '@opkernel/contracts';

/** One choice of a form's reference picker: the stored value (a key) and the name shown. */
export type RefOption = { value: string; label: string };
