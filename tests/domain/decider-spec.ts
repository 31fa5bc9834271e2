import { expect } from 'vitest';
import { fold, isRejection, type Decider, type Decision, type Rejection } from '../../src/domain/shared/decider.js';

/**
 * Given/when/then for deciders: `spec(decider)(given events).when(command, context)` then one
 * of `then(expected events or a check)`, `thenRejects(code, message?)`, `thenNothingHappened()`.
 */
export const deciderSpecification =
  <Command, Event, State, Context>(decider: Decider<Command, Event, State, Context>) =>
  (...given: Event[]) => ({
    when: (command: Command, context: Context) => {
      const state = fold(decider.evolve, decider.initialState(), given);
      const decide = (): Decision<Event> => decider.decide(command, state, context);
      return {
        then(expected: readonly Event[] | ((events: readonly Event[], after: State) => void)): readonly Event[] {
          const decision = decide();
          if (isRejection(decision)) throw new Error(`expected events, got rejection ${decision.code}: ${decision.message}`);
          if (typeof expected === 'function') expected(decision, fold(decider.evolve, state, decision));
          else expect(decision).toEqual(expected);
          return decision;
        },
        thenRejects(code: string, message?: string | RegExp): Rejection {
          const decision = decide();
          if (!isRejection(decision)) throw new Error(`expected a rejection, got ${JSON.stringify(decision.map((e) => (e as { type?: string }).type))}`);
          expect(decision.code).toBe(code);
          if (typeof message === 'string') expect(decision.message).toBe(message);
          else if (message !== undefined) expect(decision.message).toMatch(message);
          return decision;
        },
        thenNothingHappened(): void {
          const decision = decide();
          if (isRejection(decision)) throw new Error(`expected no events, got rejection ${decision.code}`);
          expect(decision).toEqual([]);
        },
      };
    },
  });
