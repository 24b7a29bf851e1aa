// Starts an SP-initiated login: Electron opens its own login window; the browser mode navigates to the IdP.
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';

export type StartLoginState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'opened' } | { kind: 'error'; message: string };

export function useStartLogin(): { state: StartLoginState; start(idpId?: string): Promise<void> } {
  const [state, setState] = useState<StartLoginState>({ kind: 'idle' });
  const start = async (idpId?: string): Promise<void> => {
    setState({ kind: 'busy' });
    try {
      const { url, opened } = await api.call('logins.start', idpId === undefined ? {} : { idpId });
      if (opened) {
        setState({ kind: 'opened' });
      } else {
        window.location.assign(url);
      }
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };
  return { state, start };
}
