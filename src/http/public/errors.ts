/** A client error answered with the app's JSON error shape (see `plugins/errorHandler.ts`). */
export class PublicApiError extends Error {
  override readonly name = 'PublicApiError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string): PublicApiError => new PublicApiError(404, message);
export const badRequest = (message: string): PublicApiError => new PublicApiError(400, message);
