// The one GraphQL client: HTTP for queries and mutations, graphql-transport-ws for
// subscriptions, a normalised cache keyed by the API's ids (opaque strings: never
// parsed, never built here).
import { Client, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import { cacheExchange, type Cache } from "@urql/exchange-graphcache";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { accessToken, bindClient, currentSession, onSessionChange, refresh } from "./auth/session";
import { setLink } from "./lib/connection";

function invalidateField(cache: Cache, field: string): void {
  for (const f of cache.inspectFields("Query")) {
    if (f.fieldName === field) cache.invalidate("Query", f.fieldName, f.arguments ?? undefined);
  }
}

export const cache = cacheExchange({
  keys: {
    // Types without an id of their own: keyed by what identifies them, or embedded.
    VoteTally: (t) => (t.pollId as string | undefined) ?? null,
    CollectionCounters: (c) => (c.period as string | undefined) ?? null,
    CollectionReport: (c) => (c.period as string | undefined) ?? null,
    ComplaintSla: (s) => (s.priority as string | undefined) ?? null,
    Checkout: (c) => (c.orderId as string | undefined) ?? null,
    Aging: () => null,
    AuthPayload: () => null,
    BillingSettings: () => null,
    BookingUpdate: (b) => (b.id as string | undefined) ?? null,
    CalendarFeed: () => null,
    Slot: () => null,
    ComplaintCounters: () => null,
    ExportFile: () => null,
    OptionResult: () => null,
    PageInfo: () => null,
    AnnouncementTargets: () => null,
    PublishedAnnouncement: () => null,
    Tenant: () => null,
    Viewer: (v) => (v.id as string | undefined) ?? null,
  },
  updates: {
    Subscription: {
      // A bill's live state lands on the Bill itself, so every view of it updates.
      billUpdated(result, _args, cache) {
        const u = result.billUpdated as
          | { id: string; status: string; total: number; paid: number; outstanding: number }
          | undefined;
        if (!u) return;
        cache.writeFragment(
          { kind: "Document", definitions: [billFragment] } as never,
          { __typename: "Bill", id: u.id, status: u.status, total: u.total, paid: u.paid, outstanding: u.outstanding },
        );
        invalidateField(cache, "complaintCounters");
      },
      bookingUpdated(result, _args, cache) {
        const u = result.bookingUpdated as Record<string, unknown> | undefined;
        if (!u) return;
        // The update arrives as a `BookingUpdate`: written onto the Booking it describes.
        cache.writeFragment({ kind: "Document", definitions: [bookingFragment] } as never, { ...u, __typename: "Booking" });
      },
      complaintUpdated(result, _args, cache) {
        const u = result.complaintUpdated as
          | { id: string; status: string; priority: string; slaBreached: boolean; updatedAt: string }
          | undefined;
        if (!u) return;
        cache.writeFragment(
          { kind: "Document", definitions: [complaintFragment] } as never,
          {
            __typename: "Complaint",
            id: u.id,
            status: u.status,
            priority: u.priority,
            slaBreached: u.slaBreached,
            updatedAt: u.updatedAt,
          },
        );
      },
      complaintCounters(result, _args, cache) {
        cache.link("Query", "complaintCounters", result.complaintCounters as never);
      },
      announcementPublished(_result, _args, cache) {
        invalidateField(cache, "announcements");
      },
    },
    Mutation: {
      fileComplaint: (_r, _a, cache) => invalidateField(cache, "complaints"),
      createPoll: (_r, _a, cache) => invalidateField(cache, "polls"),
      castVote(_r, args, cache) {
        cache.invalidate({ __typename: "Poll", id: args.pollId as string }, "myVote");
      },
      publishAnnouncement: (_r, _a, cache) => invalidateField(cache, "announcements"),
      archiveAnnouncement: (_r, _a, cache) => invalidateField(cache, "announcements"),
      createUnit: (_r, _a, cache) => invalidateField(cache, "units"),
      createResident: (_r, _a, cache) => invalidateField(cache, "residents"),
      linkResident(_r, _a, cache) {
        invalidateField(cache, "units");
        invalidateField(cache, "residents");
      },
      createTariff: (_r, _a, cache) => invalidateField(cache, "tariffs"),
      updateBillingSettings: (_r, _a, cache) => invalidateField(cache, "billingSettings"),
      recordPayment(_r, args, cache) {
        const input = args.input as { billId: string };
        cache.invalidate({ __typename: "Bill", id: input.billId });
      },
      addComplaintComment(_r, args, cache) {
        cache.invalidate({ __typename: "Complaint", id: args.id as string }, "comments");
      },
    },
  },
});

const billFragment = {
  kind: "FragmentDefinition",
  name: { kind: "Name", value: "LiveBill" },
  typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Bill" } },
  selectionSet: {
    kind: "SelectionSet",
    selections: ["id", "status", "total", "paid", "outstanding"].map((f) => ({
      kind: "Field",
      name: { kind: "Name", value: f },
    })),
  },
};

const bookingFragment = {
  kind: "FragmentDefinition",
  name: { kind: "Name", value: "LiveBooking" },
  typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Booking" } },
  selectionSet: {
    kind: "SelectionSet",
    selections: ["id", "status", "amountDue", "paid", "refundDue", "reason", "holdExpiresAt"].map((f) => ({
      kind: "Field",
      name: { kind: "Name", value: f },
    })),
  },
};

const complaintFragment = {
  kind: "FragmentDefinition",
  name: { kind: "Name", value: "LiveComplaint" },
  typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Complaint" } },
  selectionSet: {
    kind: "SelectionSet",
    selections: ["id", "status", "priority", "slaBreached", "updatedAt"].map((f) => ({
      kind: "Field",
      name: { kind: "Name", value: f },
    })),
  },
};

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/graphql/ws`;
}

let socket: WebSocket | null = null;

export const ws: WsClient = createWsClient({
  url: wsUrl,
  lazy: true,
  // The token as of each (re)connection.
  connectionParams: () => {
    const token = accessToken();
    return token ? { Authorization: `Bearer ${token}` } : {};
  },
  retryAttempts: Infinity,
  shouldRetry: () => true,
  keepAlive: 10_000,
  on: {
    connecting: (isRetry) => {
      if (isRetry) setLink("reconnecting");
    },
    connected: (s) => {
      socket = s as WebSocket;
      setLink("online");
    },
    closed: (event) => {
      socket = null;
      // 1000: closed because nothing listens any more; 4499: signed out.
      const code = (event as CloseEvent | undefined)?.code;
      setLink(code === 1000 || code === 4499 ? "online" : "reconnecting");
    },
  },
});

// A refreshed token reaches the open socket in a ping (the gateway keeps a connection
// whose token was renewed that way); signing out closes it.
onSessionChange((session) => {
  if (!session) {
    ws.terminate();
    return;
  }
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "ping", payload: { Authorization: `Bearer ${session.accessToken}` } }));
  }
});

export const client = new Client({
  url: "/graphql",
  exchanges: [
    cache,
    mapExchange({
      onError(error) {
        const code = error.graphQLErrors[0]?.extensions?.code;
        if (code === "UNAUTHENTICATED" && currentSession()) void refresh();
      },
    }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query ?? "" };
        return {
          subscribe(sink) {
            const unsubscribe = ws.subscribe(input, sink);
            return { unsubscribe };
          },
        };
      },
    }),
  ],
  fetchOptions: (): RequestInit => {
    const token = accessToken();
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    return { headers };
  },
  preferGetMethod: false,
});

bindClient(client);
