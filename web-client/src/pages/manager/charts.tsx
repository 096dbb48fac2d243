// The dashboard's light chart pieces: the arrears ring (plain SVG, no chart library) and a
// box that renders what it holds only once it is on screen and the browser is idle, so a
// heavy chart never delays the page's first paint or its first input.
import { useEffect, useRef, useState, type ReactNode } from "react";

/** Ring segments for `values` on a circle of circumference `length`: each one's dash length
 * and where it starts, in order, clockwise from the top. Negative values count as zero;
 * nothing at all gives no segments. */
export function ringSegments(values: number[], length: number): { dash: number; start: number }[] {
  const clean = values.map((v) => Math.max(0, v));
  const total = clean.reduce((a, b) => a + b, 0);
  if (total <= 0) return clean.map(() => ({ dash: 0, start: 0 }));
  let start = 0;
  return clean.map((v) => {
    const dash = (v / total) * length;
    const segment = { dash, start };
    start += dash;
    return segment;
  });
}

const RADIUS = 40;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** A doughnut of `rows`, drawn as SVG; each segment's `title` shows on hover. The numbers
 * themselves are the caller's to list beside it (the ring is a picture of them). */
export function Ring({ label, rows }: { label: string; rows: { key: string; value: number; color: string; title: string }[] }) {
  const segments = ringSegments(
    rows.map((r) => r.value),
    CIRCUMFERENCE,
  );
  return (
    <svg viewBox="0 0 100 100" role="img" aria-label={label} className="mx-auto block h-auto w-full max-w-56">
      <circle cx="50" cy="50" r={RADIUS} fill="none" stroke="#e2e8f0" strokeWidth="18" />
      {rows.map((r, i) => {
        const s = segments[i]!;
        if (s.dash <= 0) return null;
        return (
          <circle
            key={r.key}
            data-segment={r.key}
            cx="50"
            cy="50"
            r={RADIUS}
            fill="none"
            stroke={r.color}
            strokeWidth="18"
            strokeDasharray={`${s.dash} ${CIRCUMFERENCE - s.dash}`}
            strokeDashoffset={-s.start}
            transform="rotate(-90 50 50)"
          >
            <title>{r.title}</title>
          </circle>
        );
      })}
    </svg>
  );
}

/** Renders `children` once its box is (nearly) on screen and the browser has a quiet
 * moment: until then an empty box of the same size (`className`). */
export function WhenIdleAndVisible({ children, className = "" }: { children: ReactNode; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || ready) return;
    let idle: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const whenIdle = () => {
      if (typeof window.requestIdleCallback === "function") idle = window.requestIdleCallback(() => setReady(true), { timeout: 2000 });
      else timer = setTimeout(() => setReady(true), 100);
    };
    let observer: IntersectionObserver | undefined;
    if (typeof IntersectionObserver === "function") {
      observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((e) => e.isIntersecting)) return;
          observer?.disconnect();
          whenIdle();
        },
        { rootMargin: "200px" },
      );
      observer.observe(el);
    } else {
      whenIdle();
    }
    return () => {
      observer?.disconnect();
      if (idle !== undefined) window.cancelIdleCallback(idle);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ready]);
  return (
    <div ref={box} className={className}>
      {ready ? children : null}
    </div>
  );
}
