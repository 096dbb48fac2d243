import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { login } from "../auth/session";
import { useTenant } from "../tenant";
import type { AppError } from "../lib/errors";
import { Button, ErrorNote, TextField } from "../ui/kit";
import { ConnectionBanner, LanguageSwitch } from "../ui/Shell";

export function SignIn() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(await login(identifier.trim(), password));
    setBusy(false);
  }

  return (
    <div className="flex min-h-screen flex-col bg-teal-800">
      <ConnectionBanner />
      <div className="flex justify-end p-2">
        <LanguageSwitch />
      </div>
      <main className="flex flex-1 items-start justify-center p-4 sm:items-center">
        <form onSubmit={submit} className="w-full max-w-sm space-y-4 rounded-2xl bg-white p-6 shadow-lg" noValidate>
          <div>
            <p className="text-sm text-slate-600">{t("signIn.welcome")}</p>
            <h1 className="text-2xl font-bold text-slate-900" data-testid="estate-name">
              {tenant.displayName ?? t("signIn.unknownEstate")}
            </h1>
          </div>
          <TextField
            label={t("signIn.identifier")}
            hint={t("signIn.identifierHint")}
            name="identifier"
            autoComplete="username"
            value={identifier}
            onChange={(e) => setIdentifier(e.target.value)}
            error={error}
            required
          />
          <TextField
            label={t("signIn.password")}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={error}
            required
          />
          {error?.code === "UNAUTHENTICATED" ? (
            <p role="alert" className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              {t("signIn.failed")}
            </p>
          ) : (
            <ErrorNote error={error} fields={["identifier", "password"]} />
          )}
          <Button type="submit" className="w-full" disabled={busy}>
            {busy ? t("signIn.signingIn") : t("signIn.submit")}
          </Button>
        </form>
      </main>
    </div>
  );
}
