import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../../gql";
import type { ComplaintPriority, LateFeeKind } from "../../gql/graphql";
import { appErrorOf, type AppError } from "../../lib/errors";
import { Button, Card, ErrorNote, Loading, Page, Select, TextField } from "../../ui/kit";

const SlaQuery = graphql(`
  query Sla {
    complaintSla {
      priority
      hours
    }
  }
`);

const SetSlaMutation = graphql(`
  mutation SetSla($priority: ComplaintPriority!, $hours: Int!) {
    setComplaintSla(priority: $priority, hours: $hours) {
      priority
      hours
    }
  }
`);

const BillingSettingsQuery = graphql(`
  query BillingSettings {
    billingSettings {
      billingDay
      dueDay
      lateFeeKind
      lateFeeValue
    }
  }
`);

const BillingSettingsMutation = graphql(`
  mutation UpdateBillingSettings($input: BillingSettingsInput!) {
    updateBillingSettings(input: $input)
  }
`);

export function Settings() {
  const { t } = useTranslation();
  return (
    <Page title={t("settings.title")}>
      <SlaSettings />
      <BillingSettings />
    </Page>
  );
}

function SlaRow({ priority, hours }: { priority: ComplaintPriority; hours: number }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(String(hours));
  const [result, save] = useMutation(SetSlaMutation);
  const [error, setError] = useState<AppError | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await save({ priority, hours: Number(value) });
    setError(appErrorOf(r.error));
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2" noValidate>
      <TextField label={t("settings.slaHours", { priority: t(`complaint.priority.${priority}`) })} name="hours" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} error={error} />
      <Button type="submit" variant="secondary" disabled={result.fetching}>{t("common.save")}</Button>
      <ErrorNote error={error} fields={["hours"]} />
    </form>
  );
}

function SlaSettings() {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: SlaQuery });
  return (
    <Card title={t("settings.sla")}>
      <p className="mb-2 text-sm text-slate-700">{t("settings.slaHint")}</p>
      <ErrorNote error={appErrorOf(error)} />
      {fetching && !data ? <Loading /> : (
        <div className="space-y-3">
          {data?.complaintSla.map((s) => <SlaRow key={s.priority} priority={s.priority} hours={s.hours} />)}
        </div>
      )}
    </Card>
  );
}

function BillingSettings() {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: BillingSettingsQuery });
  return (
    <Card title={t("settings.billing")}>
      <ErrorNote error={appErrorOf(error)} />
      {fetching && !data ? <Loading /> : data && <BillingSettingsForm current={data.billingSettings} />}
    </Card>
  );
}

function BillingSettingsForm({
  current,
}: {
  current: { billingDay: number; dueDay: number; lateFeeKind: LateFeeKind; lateFeeValue: number };
}) {
  const { t } = useTranslation();
  const [billingDay, setBillingDay] = useState(String(current.billingDay));
  const [dueDay, setDueDay] = useState(String(current.dueDay));
  const [kind, setKind] = useState<LateFeeKind>(current.lateFeeKind);
  const [value, setValue] = useState(String(current.lateFeeValue));
  const [result, save] = useMutation(BillingSettingsMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await save({ input: { billingDay: Number(billingDay), dueDay: Number(dueDay), lateFeeKind: kind, lateFeeValue: Number(value) } });
    setError(appErrorOf(r.error));
    if (!r.error) setDone(true);
  }
  return (
    <form onSubmit={submit} className="grid gap-3 md:grid-cols-4" noValidate>
      <TextField label={t("settings.billingDay")} name="billingDay" inputMode="numeric" value={billingDay} onChange={(e) => setBillingDay(e.target.value)} error={error} />
      <TextField label={t("settings.dueDay")} name="dueDay" inputMode="numeric" value={dueDay} onChange={(e) => setDueDay(e.target.value)} error={error} />
      <Select
        label={t("settings.lateFeeKind")}
        name="lateFeeKind"
        value={kind}
        onChange={(e) => setKind(e.target.value as LateFeeKind)}
        options={(["NONE", "FLAT", "PERCENT"] as const).map((k) => ({ value: k, label: t(`settings.lateFee.${k}`) }))}
      />
      <TextField label={t("settings.lateFeeValue")} hint={t("settings.lateFeeValueHint")} name="lateFeeValue" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} error={error} />
      <div className="md:col-span-4">
        <Button type="submit" disabled={result.fetching}>{t("common.save")}</Button>
        {done && <p role="status" className="mt-2 text-sm text-green-800">{t("settings.saved")}</p>}
        <ErrorNote error={error} fields={["billingDay", "dueDay", "lateFeeValue"]} />
      </div>
    </form>
  );
}
