import type { EpochMs } from '../shared/time.js';

/**
 * Commands on one account. `username` is the name the caller used; it selects the stream
 * case-insensitively. Passwords arrive both in clear (for the strength rules) and already
 * hashed (hashing is slow and random, so it happens outside the pure decider).
 */
export type UserCommand =
  | { type: 'RegisterUser'; username: string; email: string; password: string; passwordHash: string }
  | { type: 'AcceptUser'; username: string; by: string }
  | { type: 'BlockUser'; username: string; by: string }
  | { type: 'UnblockUser'; username: string; by: string }
  | { type: 'ChangePassword'; username: string; password: string; passwordHash: string; by: string }
  | { type: 'GrantGroup'; username: string; group: string; by: string }
  | { type: 'RevokeGroup'; username: string; group: string; by: string }
  | { type: 'SetMachineLimit'; username: string; machineLimit: number; by: string };

export interface UserContext {
  now: EpochMs;
  /** Registration only: another account already uses this email (compared case-insensitively). */
  emailInUse?: boolean;
}

export type UserRejectionCode =
  | 'invalid_username'
  | 'invalid_email'
  | 'weak_password'
  | 'password_too_long'
  | 'already_registered'
  | 'unknown_user'
  | 'not_pending'
  | 'already_blocked'
  | 'not_blocked'
  | 'invalid_group'
  | 'group_already_granted'
  | 'group_not_granted'
  | 'invalid_machine_limit'
  | 'machine_limit_unchanged';
