/** Every user stream starts with this; subscriptions filter on it. */
export const USER_STREAM_PREFIX = 'user-';

/**
 * One stream per account, named by the lower-cased user name: two names that differ only in
 * case share a stream, so the event store's optimistic concurrency makes registration unique
 * case-insensitively without any other index.
 */
export const userStreamId = (username: string): string => `${USER_STREAM_PREFIX}${username.toLowerCase()}`;
