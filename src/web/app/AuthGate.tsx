import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useState, useSyncExternalStore } from 'react';
import { beginSignIn, browserEnv, CALLBACK_PATH, type CallbackResult, completeSignIn, type OidcEnv } from '../auth/oidc';
import { currentPath, renewSignIn, session } from '../auth/session';
import { Loading } from '../components/States';

/** One exchange per callback URL, even when React runs the effect twice (StrictMode in development). */
let callback: { url: string; result: Promise<CallbackResult> } | undefined;
const completeOnce = (env: OidcEnv, url: string): Promise<CallbackResult> => {
  if (callback?.url !== url) callback = { url, result: completeSignIn(env, url) };
  return callback.result;
};

type GateState = { kind: 'working' } | { kind: 'ready' } | { kind: 'failed'; message: string; returnTo: string };

/**
 * Nothing renders until there is a token. On /auth/callback the code is exchanged; anywhere else
 * without a token the page leaves for a silent sign-in. Failures get a page with one clear action.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const tokens = useSyncExternalStore(session.subscribe, session.get);
  const [state, setState] = useState<GateState>(() => (session.get() ? { kind: 'ready' } : { kind: 'working' }));

  useEffect(() => {
    if (tokens) return;
    let cancelled = false;
    const env = browserEnv();
    (async () => {
      if (window.location.pathname === CALLBACK_PATH) {
        const result = await completeOnce(env, window.location.href);
        if (cancelled) return;
        if (result.kind === 'signedIn') {
          window.history.replaceState(null, '', result.returnTo);
          session.set(result.tokens);
          setState({ kind: 'ready' });
        } else if (result.kind === 'interactive') {
          await beginSignIn(env, { returnTo: result.returnTo, silent: false });
        } else {
          window.history.replaceState(null, '', '/auth/callback');
          setState({ kind: 'failed', message: result.message, returnTo: result.returnTo });
        }
        return;
      }
      await renewSignIn(currentPath(), env);
    })().catch((err: unknown) => {
      if (!cancelled) {
        setState({
          kind: 'failed',
          message: err instanceof Error && err.message ? err.message : 'The sign-in service could not be reached.',
          returnTo: currentPath(),
        });
      }
    });
    return () => {
      cancelled = true;
    };
  }, [tokens]);

  if (tokens && state.kind !== 'failed') return <>{children}</>;
  if (state.kind === 'failed') {
    return (
      <Center mih="100vh" p="md">
        <Paper withBorder p="xl" maw={460} w="100%">
          <Stack>
            <Title order={1} fz={22}>
              We couldn't sign you in
            </Title>
            <Text role="alert">{state.message}</Text>
            <Button
              onClick={() => {
                setState({ kind: 'working' });
                beginSignIn(browserEnv(), { returnTo: state.returnTo, silent: false }).catch(() =>
                  setState({ kind: 'failed', message: 'The sign-in service could not be reached.', returnTo: state.returnTo }),
                );
              }}
            >
              Sign in again
            </Button>
          </Stack>
        </Paper>
      </Center>
    );
  }
  return (
    <Center mih="100vh">
      <Loading label="Signing you in…" />
    </Center>
  );
}
