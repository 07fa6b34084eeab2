/**
 * Wire contracts shared by the API and the web app. Processes and tasks are zod schemas (the API validates and
 * documents its answers with them: OpenAPI response schemas) with their inferred types; the rest are types. The
 * web app imports types only (`import type`), so no runtime code crosses the project boundary.
 */
export {
  ActorKindSchema,
  CascadeItemSchema,
  CommandAnswerSchema,
  CompleteBodySchema,
  EntityRefViewSchema,
  EntityTaskGroupsSchema,
  EntryPointSchema,
  PROCESS_STATES,
  ProcessBriefSchema,
  ProcessDetailSchema,
  SlaViewSchema,
  ProcessBookingSchema,
  ProcessEventViewSchema,
  ProcessPageSchema,
  ProcessSnapshotViewSchema,
  ProcessStateSchema,
  ProcessViewSchema,
  ReasonBodySchema,
  StartProcessBodySchema,
  TASK_ACTIONS,
  TaskActionSchema,
  TransferBodySchema,
} from './process';
export type {
  CascadeItem,
  CommandAnswer,
  CompleteBody,
  EntityRefView,
  EntityTaskGroups,
  EntryPoint,
  ProcessBrief,
  ProcessDetail,
  SlaView,
  ProcessEventView,
  ProcessPage,
  ProcessSnapshotView,
  ProcessState,
  ProcessView,
  ReasonBody,
  StartProcessBody,
  TaskAction,
  TransferBody,
} from './process';
export {
  AssignmentExplanationSchema,
  AvailabilitySchema,
  ExplanationSchema,
  NextTaskAnswerSchema,
  NextTaskBodySchema,
  OperatorCalendarBodySchema,
  OperatorCapacityBodySchema,
  OperatorSkillsBodySchema,
  PresenceBodySchema,
  UrgencyBodySchema,
  LaneViewSchema,
  FairnessBodySchema,
  FairnessWeightSchema,
  ResourceStateSchema,
  ResourceViewSchema,
  BookingViewSchema,
  ResourceStateBodySchema,
  BookingBodySchema,
  BookingsQuerySchema,
  ResourcePatchBodySchema,
  CalendarAttendanceSchema,
  CalendarBodySchema,
  CalendarLeaveBodySchema,
  CalendarLeaveViewSchema,
  CalendarViewSchema,
} from './scheduler';
export type {
  AssignmentExplanation,
  Availability,
  Explanation,
  NextTaskAnswer,
  NextTaskBody,
  PresenceBody,
  UrgencyBody,
  LaneView,
  FairnessWeight,
  ResourceView,
  BookingView,
  ResourcePatchBody,
  CalendarAttendance,
  CalendarBody,
  CalendarLeaveBody,
  CalendarLeaveView,
  CalendarView,
} from './scheduler';
export type { LiveSlaMilestone, LiveTaskChange } from './live';
export type { ProblemDocument, ProblemFieldError } from './problem';
export type { OperatorView } from './operator';
export type {
  ApiTokenScope,
  ApiTokenView,
  ChangeMyPasswordBody,
  CreateApiTokenBody,
  CreatedApiToken,
  SetRolesBody,
  StaffView,
  TokenPair,
} from './auth';
export { EntitySearchHitSchema, EntitySearchResultSchema } from './entity';
export type { EntitySearchHit, EntitySearchResult } from './entity';
export {
  EarlierStepSchema,
  PrefillValueSchema,
  PutDraftBodySchema,
  RequestedStepSchema,
  StaffMemberSchema,
  TASK_DRAFT_MAX_BYTES,
  TaskContextSchema,
  TaskDraftSchema,
} from './task-page';
export type {
  EarlierStep,
  PrefillValue,
  PutDraftBody,
  RequestedStep,
  StaffMember,
  TaskContext,
  TaskDraft,
} from './task-page';
export { ProcessStagesSchema, StageHopViewSchema, StageRunViewSchema } from './stages';
export type { ProcessStages, StageHopView, StageRunView } from './stages';
export {
  BoardSessionSchema,
  DeckCountsSchema,
  DeckFailureSchema,
  DeckFailuresQuerySchema,
  DeckViewSchema,
} from './decks';
export type { BoardSession, DeckCounts, DeckFailure, DeckView } from './decks';
export { EventAnswerSchema, EventViewSchema, MAX_EVENT_PAYLOAD_BYTES, PostEventBodySchema } from './events';
export type { EventAnswer, EventView, PostEventBody } from './events';
export { ScheduleFireSchema, ScheduleViewSchema, SchedulesQuerySchema } from './schedules';
export type { ScheduleFire, ScheduleView, SchedulesQuery } from './schedules';
