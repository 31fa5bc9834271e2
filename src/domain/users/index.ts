export type { UserCommand, UserContext, UserRejectionCode } from './commands.js';
export { decideUser, userDecider } from './decider.js';
export type {
  GroupGranted,
  GroupRevoked,
  PasswordChanged,
  UserAccepted,
  UserBlocked,
  UserEvent,
  UserEventType,
  UserRegistered,
  UserUnblocked,
} from './events.js';
export { USER_EVENT_TYPES } from './events.js';
export {
  ADMINISTRATORS_GROUP,
  APPROVERS_GROUP,
  checkEmail,
  checkGroup,
  checkPasswordStrength,
  emailKey,
  isValidUsername,
  MAX_PASSWORD_LENGTH,
  MESSAGES,
  normalizeEmail,
} from './rules.js';
export type { UserAccount, UserState } from './state.js';
export { evolveUser, initialUserState } from './state.js';
export { USER_STREAM_PREFIX, userStreamId } from './streams.js';
