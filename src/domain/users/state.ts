import { LIMITS } from '../shared/constants.js';
import type { UserEvent } from './events.js';

export interface UserAccount {
  /** As registered (case preserved); authentication requires this exact spelling. */
  readonly username: string;
  readonly email: string;
  readonly passwordHash: string;
  /** ISO-8601. */
  readonly registeredAt: string;
  readonly pending: boolean;
  readonly blocked: boolean;
  readonly groups: readonly string[];
  /** Tasks one IP address may hold at once for this user (upstream `machine_limit`). */
  readonly machineLimit: number;
}

/** null until the account is registered. */
export type UserState = UserAccount | null;

export const initialUserState = (): UserState => null;

export const evolveUser = (state: UserState, event: UserEvent): UserState => {
  if (event.type === 'UserRegistered') {
    return {
      username: event.data.username,
      email: event.data.email,
      passwordHash: event.data.passwordHash,
      registeredAt: event.data.at,
      pending: true,
      blocked: false,
      groups: [],
      machineLimit: LIMITS.defaultMachineLimit,
    };
  }
  if (state === null) return state;
  switch (event.type) {
    case 'UserAccepted':
      return { ...state, pending: false };
    case 'UserBlocked':
      return { ...state, blocked: true };
    case 'UserUnblocked':
      return { ...state, blocked: false };
    case 'PasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash };
    case 'GroupGranted':
      return state.groups.includes(event.data.group) ? state : { ...state, groups: [...state.groups, event.data.group] };
    case 'GroupRevoked':
      return { ...state, groups: state.groups.filter((group) => group !== event.data.group) };
    case 'MachineLimitSet':
      return { ...state, machineLimit: event.data.machineLimit };
  }
};
