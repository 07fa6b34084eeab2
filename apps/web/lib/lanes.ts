import type { CurrentDesign } from './types/design';

/** A role's label in the design (its key when the design does not name it). */
export const roleLabel = (design: CurrentDesign | null, key: string): string =>
  design?.roles.find((r) => r.key === key)?.label ?? key;

/** A lane in words: the role's label and the skills its tasks need (`nurse`, `laser>=3` → "Nurse · laser ≥ 3"). */
export function laneName(design: CurrentDesign | null, role: string, skills: string): string {
  const label = roleLabel(design, role);
  return skills ? `${label} · ${skills.split(',').join(', ').replace(/>=/g, ' ≥ ')}` : label;
}
