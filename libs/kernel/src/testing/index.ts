export { ManualClock } from './manual-clock';
export { MemoryStore } from './memory-store';
export { clinicDesign, CLINIC_SERVICES } from './clinic-design';
export { serviceDef, ruleDef } from './design-builders';
