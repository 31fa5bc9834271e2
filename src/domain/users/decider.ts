import type { Decider, Decision } from '../shared/decider.js';
import { reject } from '../shared/decider.js';
import { toIso } from '../shared/time.js';
import type { UserCommand, UserContext, UserRejectionCode } from './commands.js';
import type { UserEvent } from './events.js';
import { checkEmail, checkGroup, checkPasswordStrength, isValidUsername, MESSAGES, normalizeEmail } from './rules.js';
import type { UserAccount, UserState } from './state.js';
import { evolveUser, initialUserState } from './state.js';

type UserDecision = Decision<UserEvent, UserRejectionCode>;

/** Upstream's schema takes any uint; a cap keeps a typo from opening the door to a whole data centre. */
export const MAX_MACHINE_LIMIT = 10_000;

const unknownUser = (username: string) => reject<UserRejectionCode>('unknown_user', `Unknown user: ${username}`);

const decideRegister = (command: Extract<UserCommand, { type: 'RegisterUser' }>, state: UserState, context: UserContext): UserDecision => {
  const { username } = command;
  if (!isValidUsername(username)) return reject('invalid_username', MESSAGES.invalidUsername);
  const badEmail = checkEmail(command.email);
  if (badEmail) return badEmail;
  const email = normalizeEmail(command.email);
  const weak = checkPasswordStrength(command.password, { username, email });
  if (weak) return weak;
  if (state !== null || context.emailInUse === true) return reject('already_registered', MESSAGES.alreadyRegistered);
  return [{ type: 'UserRegistered', data: { username, email, passwordHash: command.passwordHash, at: toIso(context.now) } }];
};

/** Everything but registration acts on an existing account, under its registered spelling. */
const decideOnAccount = (command: Exclude<UserCommand, { type: 'RegisterUser' }>, user: UserAccount, context: UserContext): UserDecision => {
  const at = toIso(context.now);
  const { username } = user;
  switch (command.type) {
    case 'AcceptUser':
      if (!user.pending) return reject('not_pending', `User ${username} is not pending approval`);
      return [{ type: 'UserAccepted', data: { username, by: command.by, at } }];
    case 'BlockUser':
      if (user.blocked) return reject('already_blocked', `User ${username} is already blocked`);
      return [{ type: 'UserBlocked', data: { username, by: command.by, at } }];
    case 'UnblockUser':
      if (!user.blocked) return reject('not_blocked', `User ${username} is not blocked`);
      return [{ type: 'UserUnblocked', data: { username, by: command.by, at } }];
    case 'ChangePassword': {
      const weak = checkPasswordStrength(command.password, { username, email: user.email });
      if (weak) return weak;
      return [{ type: 'PasswordChanged', data: { username, passwordHash: command.passwordHash, by: command.by, at } }];
    }
    case 'GrantGroup': {
      const badGroup = checkGroup(command.group);
      if (badGroup) return badGroup;
      if (user.groups.includes(command.group)) {
        return reject('group_already_granted', `User ${username} is already in ${command.group}`);
      }
      return [{ type: 'GroupGranted', data: { username, group: command.group, by: command.by, at } }];
    }
    case 'RevokeGroup':
      if (!user.groups.includes(command.group)) return reject('group_not_granted', `User ${username} is not in ${command.group}`);
      return [{ type: 'GroupRevoked', data: { username, group: command.group, by: command.by, at } }];
    case 'SetMachineLimit': {
      const { machineLimit } = command;
      if (!Number.isInteger(machineLimit) || machineLimit < 0 || machineLimit > MAX_MACHINE_LIMIT) {
        return reject('invalid_machine_limit', `The machine limit must be a whole number from 0 to ${MAX_MACHINE_LIMIT}`);
      }
      if (machineLimit === user.machineLimit) {
        return reject('machine_limit_unchanged', `User ${username} already has a machine limit of ${machineLimit}`);
      }
      return [{ type: 'MachineLimitSet', data: { username, machineLimit, by: command.by, at } }];
    }
  }
};

export const decideUser = (command: UserCommand, state: UserState, context: UserContext): UserDecision => {
  if (command.type === 'RegisterUser') return decideRegister(command, state, context);
  if (state === null) return unknownUser(command.username);
  return decideOnAccount(command, state, context);
};

/** The user aggregate (stream `user-<lower-cased name>`, see `streams.ts`). */
export const userDecider: Decider<UserCommand, UserEvent, UserState, UserContext> = {
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
};
