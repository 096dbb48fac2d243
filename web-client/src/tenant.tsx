// The estate the page belongs to (from the Host), read without signing in: its name for
// the sign-in page and its time zone for every date shown.
import { createContext, useContext, type ReactNode } from "react";
import { useQuery } from "urql";
import { graphql } from "./gql";

const TenantQuery = graphql(`
  query Tenant {
    tenant {
      displayName
      timeZone
    }
  }
`);

export interface TenantInfo {
  displayName: string | null;
  timeZone: string;
}

const fallback: TenantInfo = { displayName: null, timeZone: "Asia/Jakarta" };
const TenantContext = createContext<TenantInfo>(fallback);

export function TenantProvider({ children }: { children: ReactNode }) {
  const [{ data }] = useQuery({ query: TenantQuery });
  const value = data?.tenant ?? fallback;
  return <TenantContext.Provider value={value}>{children}</TenantContext.Provider>;
}

export function useTenant(): TenantInfo {
  return useContext(TenantContext);
}
