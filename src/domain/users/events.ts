/**
 * The events of a user stream (`user-<name in lower case>`). Every event names the account
 * (`username`, as registered) and carries the domain time `at` (ISO-8601). Passwords only
 * ever appear as self-describing hashes (see `src/commands/users/passwordHash.ts`).
 */
interface UserEventShape<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data & { username: string; at: string }>;
}

/** `at` is the registration time. New accounts wait for an approver (`pending`). */
export type UserRegistered = UserEventShape<'UserRegistered', { email: string; passwordHash: string }>;
export type UserAccepted = UserEventShape<'UserAccepted', { by: string }>;
export type UserBlocked = UserEventShape<'UserBlocked', { by: string }>;
export type UserUnblocked = UserEventShape<'UserUnblocked', { by: string }>;
export type PasswordChanged = UserEventShape<'PasswordChanged', { passwordHash: string; by: string }>;
export type GroupGranted = UserEventShape<'GroupGranted', { group: string; by: string }>;
export type GroupRevoked = UserEventShape<'GroupRevoked', { group: string; by: string }>;
/** Upstream's user field `machine_limit`: tasks one IP address may hold at once for this user. */
export type MachineLimitSet = UserEventShape<'MachineLimitSet', { machineLimit: number; by: string }>;

export type UserEvent =
  | UserRegistered
  | UserAccepted
  | UserBlocked
  | UserUnblocked
  | PasswordChanged
  | GroupGranted
  | GroupRevoked
  | MachineLimitSet;

export type UserEventType = UserEvent['type'];

export const USER_EVENT_TYPES: readonly UserEventType[] = [
  'UserRegistered',
  'UserAccepted',
  'UserBlocked',
  'UserUnblocked',
  'PasswordChanged',
  'GroupGranted',
  'GroupRevoked',
  'MachineLimitSet',
];
