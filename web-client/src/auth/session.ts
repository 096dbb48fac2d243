// The browser session. The access token lives in this module's memory only (never in
// storage); the refresh token is an HttpOnly cookie the gateway sets, rotates and clears,
// so no script can read it. Requests that use the cookie carry `X-Klustera-Session:
// cookie` (a custom header: cross-site forms cannot send it, and with it the gateway
// answers `refreshToken: null` in the body).
//
// Silent refresh: a timer trades the cookie for a new access token a minute before the
// current one expires; tabs take turns (Web Locks), because presenting a spent refresh
// token revokes the whole sign-in.
import type { Client } from "urql";
import { graphql } from "../gql";
import type { Role } from "../gql/graphql";
import { appErrorOf, type AppError } from "../lib/errors";

export const SESSION_HEADER = { "X-Klustera-Session": "cookie" } as const;

export interface Session {
  accessToken: string;
  /** Unix seconds. */
  expiresAt: number;
  userId: string;
  role: Role;
  residentId: string | null;
}

const LoginMutation = graphql(`
  mutation Login($identifier: String!, $password: String!) {
    login(identifier: $identifier, password: $password) {
      accessToken
      accessTokenExpiresAt
      user {
        id
        role
        residentId
      }
    }
  }
`);

const RefreshMutation = graphql(`
  mutation Refresh {
    refreshToken {
      accessToken
      accessTokenExpiresAt
      user {
        id
        role
        residentId
      }
    }
  }
`);

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

type Listener = (session: Session | null) => void;

let current: Session | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<Session | null> | null = null;
const listeners = new Set<Listener>();
let client: Client | null = null;

/** Refresh this long before the access token expires (at most). */
const MARGIN_SECONDS = 60;

export function bindClient(c: Client): void {
  client = c;
}

export function currentSession(): Session | null {
  return current;
}

export function accessToken(): string | null {
  return current?.accessToken ?? null;
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function set(session: Session | null): void {
  current = session;
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (session) {
    // A minute early, or a third of the lifetime for short-lived tokens.
    const left = session.expiresAt - Date.now() / 1000;
    const delay = Math.max(1, left - Math.min(MARGIN_SECONDS, left / 3));
    timer = setTimeout(() => void refresh(), delay * 1000);
  }
  for (const listener of listeners) listener(session);
}

interface Payload {
  accessToken: string;
  accessTokenExpiresAt: number;
  user: { id: string; role: Role; residentId?: string | null };
}

function sessionOf(p: Payload): Session {
  return {
    accessToken: p.accessToken,
    expiresAt: p.accessTokenExpiresAt,
    userId: p.user.id,
    role: p.user.role,
    residentId: p.user.residentId ?? null,
  };
}

function need(): Client {
  if (!client) throw new Error("session used before the client was bound");
  return client;
}

const cookieRequest = {
  requestPolicy: "network-only" as const,
  fetchOptions: { headers: SESSION_HEADER, credentials: "same-origin" as const },
};

/** Signs in; the refresh token goes into the cookie. */
export async function login(identifier: string, password: string): Promise<AppError | null> {
  const result = await need().mutation(LoginMutation, { identifier, password }, cookieRequest).toPromise();
  if (result.error || !result.data) return appErrorOf(result.error) ?? { code: "UNKNOWN" };
  set(sessionOf(result.data.login));
  return null;
}

async function withLock<T>(run: () => Promise<T>): Promise<T> {
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request("klustera-refresh", run);
  }
  return run();
}

/** Trades the cookie for a new access token (and a rotated cookie); null: signed out. */
export function refresh(): Promise<Session | null> {
  if (!inflight) {
    inflight = withLock(async () => {
      const result = await need().mutation(RefreshMutation, {}, cookieRequest).toPromise();
      if (result.data) {
        set(sessionOf(result.data.refreshToken));
      } else if (!result.error?.networkError) {
        set(null);
      }
      return current;
    }).finally(() => {
      inflight = null;
    });
  }
  return inflight;
}

/** Ends the sign-in (the gateway revokes the refresh token and clears the cookie). */
export async function logout(): Promise<void> {
  await need().mutation(LogoutMutation, {}, cookieRequest).toPromise();
  set(null);
}
