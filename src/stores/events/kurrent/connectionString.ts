/**
 * The client still parses the legacy `esdb://` scheme but warns on every client it builds;
 * both schemes name the same gRPC endpoint, so the adapter accepts the old one silently.
 */
export function toKurrentConnectionString(connectionString: string): string {
  return connectionString.replace(/^esdb(\+discover)?:\/\//i, (_match, discover: string | undefined) =>
    `kurrentdb${discover ?? ''}://`,
  );
}
