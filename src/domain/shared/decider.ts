/**
 * The decider shape every aggregate in the domain follows (after Emmett): a pure `decide`
 * that turns a command into events or a rejection, a pure `evolve` that folds one event into
 * the state, and the state before any event.
 */
export interface Rejection<Code extends string = string> {
  readonly kind: 'rejection';
  /** Stable, machine-readable reason. */
  readonly code: Code;
  /** Upstream Fishtest's wording, shown to users or sent to workers. */
  readonly message: string;
}

export type Decision<Event, Code extends string = string> = readonly Event[] | Rejection<Code>;

export interface Decider<Command, Event, State, Context> {
  decide(command: Command, state: State, context: Context): Decision<Event>;
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export const reject = <Code extends string>(code: Code, message: string): Rejection<Code> => ({
  kind: 'rejection',
  code,
  message,
});

export const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'rejection';

/** Folds events into a state, starting from `state`. */
export const fold = <State, Event>(
  evolve: (state: State, event: Event) => State,
  state: State,
  events: Iterable<Event>,
): State => {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
};
