/**
 * The scheduler's REST shapes — get next, "why this task", presence and availability: the wire contracts of
 * `@opkernel/contracts` (types only here).
 */
import type { Availability } from '@opkernel/contracts';

export type {
  AssignmentExplanation,
  Availability,
  BookingView,
  CalendarAttendance,
  CalendarBody,
  CalendarLeaveBody,
  CalendarLeaveView,
  CalendarView,
  LaneView,
  ResourceView,
  UrgencyBody,
  Explanation,
  NextTaskAnswer,
  NextTaskBody,
  PresenceBody,
} from '@opkernel/contracts';

/** An operator's presence (`PUT /me/presence`). */
export type Presence = Availability['presence'];
