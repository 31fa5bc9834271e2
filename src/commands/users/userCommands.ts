import type { EventContext, EventStore } from '../../stores/events/port.js';
import type { Decision, Rejection } from '../../domain/shared/decider.js';
import { fold, isRejection, reject } from '../../domain/shared/decider.js';
import type { UserCommand, UserRejectionCode } from '../../domain/users/commands.js';
import { decideUser } from '../../domain/users/decider.js';
import type { UserEvent } from '../../domain/users/events.js';
import { checkPasswordStrength, isValidUsername, MESSAGES } from '../../domain/users/rules.js';
import type { UserAccount, UserState } from '../../domain/users/state.js';
import { evolveUser, initialUserState } from '../../domain/users/state.js';
import { userStreamId } from '../../domain/users/streams.js';
import type { AggregateStore } from '../aggregateStore.js';
import { createAggregateStore } from '../aggregateStore.js';
import type { Outcome, StreamCommandQueue } from '../streamCommandQueue.js';
import { createStreamCommandQueue } from '../streamCommandQueue.js';
import { hashPassword as scryptHash } from './passwordHash.js';
import type { UserDirectory } from './userDirectory.js';

export interface RegistrationInput {
  username: string;
  email: string;
  password: string;
  /** Accept the account at once (operators creating accounts); otherwise it waits for an approver. */
  accepted?: boolean;
  groups?: readonly string[];
}

/** Every command answers with the account as it is after the command. */
export type UserOutcome = Outcome<UserAccount>;

export interface UserCommands {
  register(input: RegistrationInput, context: EventContext): Promise<UserOutcome>;
  accept(username: string, context: EventContext): Promise<UserOutcome>;
  block(username: string, context: EventContext): Promise<UserOutcome>;
  unblock(username: string, context: EventContext): Promise<UserOutcome>;
  changePassword(username: string, password: string, context: EventContext): Promise<UserOutcome>;
  grantGroup(username: string, group: string, context: EventContext): Promise<UserOutcome>;
  revokeGroup(username: string, group: string, context: EventContext): Promise<UserOutcome>;
  setMachineLimit(username: string, machineLimit: number, context: EventContext): Promise<UserOutcome>;
  /** Resolves when every submitted command has finished. */
  drain(): Promise<void>;
}

export interface UserCommandsOptions {
  eventStore: EventStore;
  /** Where registration looks for an email already in use; it must have caught up (see `ready()`). */
  directory: UserDirectory;
  now?: () => number;
  /** Defaults to scrypt with the default cost; tests pass a cheaper one. */
  hashPassword?: (password: string) => Promise<string>;
  aggregates?: AggregateStore<UserState>;
}

/**
 * The write side of accounts: each call decides on the stream's current state through the
 * generic per-stream queue (which retries when another process wrote meanwhile). Email
 * uniqueness is checked against the directory, so two processes registering the same email at
 * the same instant could both succeed; user names are unique through the stream id itself.
 */
export const createUserCommands = (options: UserCommandsOptions): UserCommands => {
  const { eventStore, directory } = options;
  const now = options.now ?? Date.now;
  const hash = options.hashPassword ?? ((password: string) => scryptHash(password));
  const definition = { initialState: initialUserState, evolve: evolveUser };
  const aggregates = options.aggregates ?? createAggregateStore<UserState, UserEvent>({ eventStore, definition, maxCached: 1_000 });
  const queue: StreamCommandQueue<UserState, UserEvent> = createStreamCommandQueue({ eventStore, aggregates, evolve: evolveUser });

  /** Decides several commands in a row; the first rejection rejects them all. */
  const decideAll = (commands: readonly UserCommand[], state: UserState, emailInUse: boolean): Decision<UserEvent> => {
    const events: UserEvent[] = [];
    let current = state;
    const at = now();
    for (const command of commands) {
      const decision = decideUser(command, current, { now: at, emailInUse });
      if (isRejection(decision)) return decision;
      current = fold(evolveUser, current, decision);
      events.push(...decision);
    }
    return events;
  };

  const submit = (username: string, commands: readonly UserCommand[], context: EventContext): Promise<UserOutcome> => {
    if (!isValidUsername(username)) return Promise.resolve(reject<UserRejectionCode>('invalid_username', MESSAGES.invalidUsername));
    return queue.submit<UserAccount>(
      userStreamId(username),
      (state) => {
        const registering = commands.find((command) => command.type === 'RegisterUser');
        const owner = registering ? directory.findByEmail(registering.email) : undefined;
        const decision = decideAll(commands, state, owner !== undefined && owner.username.toLowerCase() !== username.toLowerCase());
        if (isRejection(decision)) return decision;
        const after = fold(evolveUser, state, decision);
        if (after === null) throw new Error(`user stream ${userStreamId(username)} has no account after ${commands.length} command(s)`);
        return { events: decision, reply: after };
      },
      context,
    );
  };

  /** Rejects a weak password before paying for a hash; the decider checks again with the email. */
  const hashIfStrong = async (username: string, password: string, email?: string): Promise<string | Rejection> =>
    checkPasswordStrength(password, { username, ...(email === undefined ? {} : { email }) }) ?? (await hash(password));

  return {
    async register(input, context) {
      await directory.ready();
      const passwordHash = await hashIfStrong(input.username, input.password, input.email);
      if (isRejection(passwordHash)) return passwordHash;
      const by = context.actor;
      const commands: UserCommand[] = [
        { type: 'RegisterUser', username: input.username, email: input.email, password: input.password, passwordHash },
        ...(input.accepted ? [{ type: 'AcceptUser' as const, username: input.username, by }] : []),
        ...(input.groups ?? []).map((group) => ({ type: 'GrantGroup' as const, username: input.username, group, by })),
      ];
      return submit(input.username, commands, context);
    },
    accept: (username, context) => submit(username, [{ type: 'AcceptUser', username, by: context.actor }], context),
    block: (username, context) => submit(username, [{ type: 'BlockUser', username, by: context.actor }], context),
    unblock: (username, context) => submit(username, [{ type: 'UnblockUser', username, by: context.actor }], context),
    async changePassword(username, password, context) {
      const passwordHash = await hashIfStrong(username, password);
      if (isRejection(passwordHash)) return passwordHash;
      return submit(username, [{ type: 'ChangePassword', username, password, passwordHash, by: context.actor }], context);
    },
    grantGroup: (username, group, context) => submit(username, [{ type: 'GrantGroup', username, group, by: context.actor }], context),
    revokeGroup: (username, group, context) => submit(username, [{ type: 'RevokeGroup', username, group, by: context.actor }], context),
    setMachineLimit: (username, machineLimit, context) =>
      submit(username, [{ type: 'SetMachineLimit', username, machineLimit, by: context.actor }], context),
    drain: () => queue.drain(),
  };
};
