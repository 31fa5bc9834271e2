/**
 * Stream `system`: what the server records about itself. An instance starting and stopping
 * (upstream's `system_event` "start fishtest@PORT" / "stop fishtest@PORT"), and diagnostics
 * upstream keeps as `log_message` (an arch filter that cannot be evaluated, for instance).
 */
export const SYSTEM_STREAM = 'system';

/** The account upstream names on system entries of the audit log. */
export const SYSTEM_USERNAME = 'fishtest.system';

export type SystemEvent =
  | { readonly type: 'ServerStarted'; readonly data: { readonly instance: string } }
  | { readonly type: 'ServerStopped'; readonly data: { readonly instance: string } }
  | { readonly type: 'DiagnosticLogged'; readonly data: { readonly message: string } };

export type SystemEventType = SystemEvent['type'];

export const SYSTEM_EVENT_TYPES = ['ServerStarted', 'ServerStopped', 'DiagnosticLogged'] as const satisfies readonly SystemEventType[];
