// Small building blocks shared by every page. Each one takes translated text from its
// caller or translates its own; none shows raw server text.
import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { errorKey, isAboutField, type AppError } from "../lib/errors";
import { formatRupiah } from "../lib/format";

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="mx-auto w-full max-w-5xl space-y-4 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A white panel; with a `title`, a region named by it. */
export function Card({ title, children, className = "" }: { title?: string; children: ReactNode; className?: string }) {
  const id = useId();
  const Tag = title ? "section" : "div";
  return (
    <Tag aria-labelledby={title ? id : undefined} className={`rounded-xl border border-slate-200 bg-white p-4 shadow-sm ${className}`}>
      {title && (
        <h2 id={id} className="mb-2 text-base font-semibold text-slate-800">
          {title}
        </h2>
      )}
      {children}
    </Tag>
  );
}

type Variant = "primary" | "secondary" | "danger";

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  const styles: Record<Variant, string> = {
    primary: "bg-teal-700 text-white hover:bg-teal-800 disabled:bg-slate-400",
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 disabled:text-slate-500",
    danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-slate-400",
  };
  return (
    <button
      type="button"
      className={`inline-flex min-h-11 items-center justify-center rounded-lg px-4 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:ring-offset-2 ${styles[variant]} ${className}`}
      {...props}
    />
  );
}

export function Money({ amount, className = "" }: { amount: number; className?: string }) {
  return <span className={`tabular-nums ${className}`}>{formatRupiah(amount)}</span>;
}

/** An error's translated message; nothing when there is none, or when it is about one of
 * the form's `fields` (shown at that field instead). */
export function ErrorNote({ error, fields = [] }: { error: AppError | null; fields?: string[] }) {
  const { t } = useTranslation();
  if (!error || fields.some((f) => isAboutField(error, f))) return null;
  return (
    <p role="alert" className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      {t(errorKey(error))}
    </p>
  );
}

interface FieldProps {
  label: string;
  name: string;
  error?: AppError | null;
  hint?: string;
}

function FieldShell({ label, name, error, hint, id, children }: FieldProps & { id: string; children: ReactNode }) {
  const { t } = useTranslation();
  const bad = isAboutField(error ?? null, name);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !bad && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {bad && (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
          {t("errors.field")}
        </p>
      )}
    </div>
  );
}

const inputClass =
  "block min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600 aria-[invalid=true]:border-red-600";

function described(id: string, error: AppError | null | undefined, name: string, hint?: string) {
  const bad = isAboutField(error ?? null, name);
  return {
    "aria-invalid": bad || undefined,
    "aria-describedby": bad ? `${id}-error` : hint ? `${id}-hint` : undefined,
  };
}

export function TextField({
  label,
  name,
  error,
  hint,
  ref,
  ...props
}: FieldProps & InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  const id = useId();
  return (
    <FieldShell label={label} name={name} error={error} hint={hint} id={id}>
      <input ref={ref} id={id} name={name} className={inputClass} {...described(id, error, name, hint)} {...props} />
    </FieldShell>
  );
}

export function TextArea({ label, name, error, hint, ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <FieldShell label={label} name={name} error={error} hint={hint} id={id}>
      <textarea id={id} name={name} rows={4} className={inputClass} {...described(id, error, name, hint)} {...props} />
    </FieldShell>
  );
}

export function Select({
  label,
  name,
  error,
  hint,
  options,
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  const id = useId();
  return (
    <FieldShell label={label} name={name} error={error} hint={hint} id={id}>
      <select id={id} name={name} className={inputClass} {...described(id, error, name, hint)} {...props}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="p-4 text-sm text-slate-600">
      {t("common.loading")}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-lg bg-slate-100 p-4 text-sm text-slate-700">{children}</p>;
}

const tones: Record<string, string> = {
  PAID: "bg-green-100 text-green-900",
  UNPAID: "bg-amber-100 text-amber-900",
  PARTIALLY_PAID: "bg-sky-100 text-sky-900",
  OVERDUE: "bg-red-100 text-red-900",
  VOID: "bg-slate-200 text-slate-800",
  OPEN: "bg-amber-100 text-amber-900",
  IN_PROGRESS: "bg-sky-100 text-sky-900",
  RESOLVED: "bg-green-100 text-green-900",
  CLOSED: "bg-slate-200 text-slate-800",
  REOPENED: "bg-red-100 text-red-900",
  PENDING_PAYMENT: "bg-amber-100 text-amber-900",
  PENDING_APPROVAL: "bg-amber-100 text-amber-900",
  CONFIRMED: "bg-green-100 text-green-900",
  CHECKED_IN: "bg-sky-100 text-sky-900",
  COMPLETED: "bg-slate-200 text-slate-800",
  NO_SHOW: "bg-red-100 text-red-900",
  CANCELLED: "bg-slate-200 text-slate-800",
  REJECTED: "bg-red-100 text-red-900",
  EXPIRED: "bg-slate-200 text-slate-800",
};

/** A status as a coloured, translated label (`group`: `bill`, `complaint`, ...). */
export function StatusBadge({ group, status, testId }: { group: string; status: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span
      data-testid={testId}
      data-status={status}
      className={`inline-block shrink-0 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ${tones[status] ?? "bg-slate-200 text-slate-800"}`}
    >
      {t(`${group}.status.${status}`)}
    </span>
  );
}
