// What the connection banner shows: the browser's network state and the live socket's.
import { useSyncExternalStore } from "react";

export type Link = "online" | "reconnecting";

let link: Link = "online";
const listeners = new Set<() => void>();

export function setLink(next: Link): void {
  link = next;
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  window.addEventListener("online", l);
  window.addEventListener("offline", l);
  return () => {
    listeners.delete(l);
    window.removeEventListener("online", l);
    window.removeEventListener("offline", l);
  };
}

export type Connection = "online" | "offline" | "reconnecting";

function snapshot(): Connection {
  if (!navigator.onLine) return "offline";
  return link === "online" ? "online" : "reconnecting";
}

export function useConnection(): Connection {
  return useSyncExternalStore(subscribe, snapshot, () => "online");
}
