export { ManualClock } from '../ports/ports';
