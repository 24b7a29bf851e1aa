// The two IPC channels between the shell and the preload. No imports: the sandboxed preload bundles this.
/** renderer → main: `(method, input)`, answered with a contract `Result`. */
export const LAB_INVOKE = 'lab:invoke';
/** main → renderer: `(eventName, payload)` for each contract event. */
export const LAB_EVENT = 'lab:event';
