import type { EventStore } from '../../src/stores/events/port.js';

/** An append the test holds: `release()` lets it go to the store, `release(error)` fails it. */
export interface HeldAppend {
  stream: string;
  release(failure?: Error): void;
}

/**
 * From now on, holds the appends `store` is asked for (to the streams `shouldHold` picks) until the
 * test releases them, in the order they were asked for.
 */
export const holdAppends = (store: EventStore, shouldHold: (stream: string) => boolean = () => true): HeldAppend[] => {
  const held: HeldAppend[] = [];
  const append = store.append.bind(store);
  store.append = (stream, events, expected) =>
    shouldHold(stream)
      ? new Promise((resolve, reject) => {
          held.push({
            stream,
            release: (failure) => (failure ? reject(failure) : append(stream, events, expected).then(resolve, reject)),
          });
        })
      : append(stream, events, expected);
  return held;
};
