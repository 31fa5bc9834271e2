/** GitHub could not answer something the caller cannot do without. */
export class GitHubError extends Error {
  override readonly name: string = 'GitHubError';
  constructor(
    message: string,
    /** HTTP status when GitHub answered; absent for network failures and timeouts. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** GitHub's budget is spent (or more than half of it, for optional calls): calls are refused until `resetAt`. */
export class GitHubRateLimitedError extends GitHubError {
  override readonly name = 'GitHubRateLimitedError';
  constructor(
    message: string,
    /** Epoch ms from which calls may succeed again. */
    readonly resetAt: number,
    status?: number,
  ) {
    super(message, status);
  }
}
