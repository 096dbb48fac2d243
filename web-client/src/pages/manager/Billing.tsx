import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useClient, useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../../gql";
import type { ExportFormat, TariffKind, UnitType } from "../../gql/graphql";
import { appErrorOf, type AppError } from "../../lib/errors";
import { periodOf } from "../../lib/format";
import { useFormat } from "../../lib/useFormat";
import { Button, Card, ErrorNote, Money, Page, Select, TextField } from "../../ui/kit";

const GenerateMutation = graphql(`
  mutation GenerateBills($period: String!) {
    generateMonthlyBills(period: $period) {
      id
      status
      progress
    }
  }
`);

const JobQuery = graphql(`
  query Job($id: ID!) {
    job(id: $id) {
      id
      kind
      status
      attempts
      lastError
      progress
      done
      total
    }
  }
`);

const ExportQuery = graphql(`
  query ExportBills($period: String!, $format: ExportFormat!) {
    exportBills(period: $period, format: $format) {
      filename
      contentType
      base64
    }
  }
`);

const TariffsQuery = graphql(`
  query Tariffs {
    tariffs(includeInactive: true) {
      id
      name
      kind
      rate
      ppnRateBp
      unitType
      active
    }
  }
`);

const TariffMutation = graphql(`
  mutation CreateTariff($input: TariffInput!) {
    createTariff(input: $input)
  }
`);

/** Bills created so far, from a generation job's progress (`{"bills": m, ...}`). */
export function billsCreated(progress: unknown): number | null {
  if (!progress || typeof progress !== "object") return null;
  const bills = Number((progress as Record<string, unknown>).bills);
  return Number.isFinite(bills) ? bills : null;
}

export function Billing() {
  const { t } = useTranslation();
  return (
    <Page title={t("billing.title")} actions={<Link to="/bills" className="min-h-11 py-3 text-sm font-medium text-teal-800 underline">{t("billing.allBills")}</Link>}>
      <Generate />
      <Export />
      <Tariffs />
    </Page>
  );
}

function Generate() {
  const { t } = useTranslation();
  const f = useFormat();
  const [period, setPeriod] = useState(periodOf(new Date(), f.timeZone));
  const [jobId, setJobId] = useState<string | null>(null);
  const [result, generate] = useMutation(GenerateMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [{ data: job }, refetchJob] = useQuery({ query: JobQuery, variables: { id: jobId ?? "" }, pause: !jobId, requestPolicy: "network-only" });
  const status = job?.job.status;
  const running = !!jobId && status !== "DONE" && status !== "DEAD";
  // The job has no subscription: read it again each second while it runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => refetchJob({ requestPolicy: "network-only" }), 1000);
    return () => clearInterval(timer);
  }, [running, refetchJob]);
  const bills = billsCreated(job?.job.progress);
  const done = job?.job.done;
  const total = job?.job.total;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await generate({ period });
    setError(appErrorOf(r.error));
    if (r.data) setJobId(r.data.generateMonthlyBills.id);
  }

  return (
    <Card title={t("billing.generate")}>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" noValidate>
        <TextField label={t("billing.period")} name="period" type="month" value={period} onChange={(e) => setPeriod(e.target.value)} error={error} />
        <Button type="submit" disabled={result.fetching || running}>{t("billing.generateSubmit")}</Button>
      </form>
      <ErrorNote error={error} fields={["period"]} />
      {jobId && (
        <div className="mt-3 space-y-1">
          {/* Units done of units to bill, once the job has counted them. */}
          <progress
            className="h-3 w-full accent-teal-700"
            max={Math.max(total ?? 1, 1)}
            {...(status === "DONE" ? { value: Math.max(total ?? 1, 1) } : done != null && total ? { value: done } : {})}
            aria-label={t("billing.progress")}
            data-testid="generate-progress"
          />
          <p role="status" className="text-sm text-slate-700" data-testid="generate-status">
            {status ? t(`job.status.${status}`, { defaultValue: status }) : t("common.loading")}
            {total != null && ` · ${t("billing.progressOf", { done: done ?? 0, total })}`}
            {bills != null && ` · ${t("billing.progressCount", { bills })}`}
          </p>
        </div>
      )}
    </Card>
  );
}

function Export() {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useClient();
  const [period, setPeriod] = useState(periodOf(new Date(), f.timeZone));
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  async function download(format: ExportFormat) {
    setBusy(true);
    const r = await client.query(ExportQuery, { period, format }, { requestPolicy: "network-only" }).toPromise();
    setBusy(false);
    setError(appErrorOf(r.error));
    if (!r.data) return;
    const file = r.data.exportBills;
    const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: file.contentType }));
    const a = document.createElement("a");
    a.href = url;
    a.download = file.filename;
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  }

  return (
    <Card title={t("billing.export")}>
      <div className="flex flex-wrap items-end gap-3">
        <TextField label={t("billing.period")} name="exportPeriod" type="month" value={period} onChange={(e) => setPeriod(e.target.value)} />
        <Button variant="secondary" disabled={busy} onClick={() => void download("CSV")}>{t("billing.downloadCsv")}</Button>
        <Button variant="secondary" disabled={busy} onClick={() => void download("XLSX")}>{t("billing.downloadXlsx")}</Button>
      </div>
      <ErrorNote error={error} />
    </Card>
  );
}

function Tariffs() {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<TariffKind>("FIXED");
  const [rate, setRate] = useState("");
  const [ppn, setPpn] = useState("0");
  const [unitType, setUnitType] = useState<UnitType | "">("");
  const [result, create] = useMutation(TariffMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await create({
      input: { name, kind, rate: Number(rate), ppnRateBp: Math.round(Number(ppn) * 100), ...(unitType ? { unitType } : {}) },
    });
    setError(appErrorOf(r.error));
    if (!r.error) {
      setDone(true);
      setName("");
      setRate("");
    }
  }

  return (
    <Card title={t("billing.tariffs")}>
      <TariffList />
      <p className="mb-2 mt-4 text-sm text-slate-700">{t("billing.tariffsHint")}</p>
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-3" noValidate>
        <TextField label={t("billing.tariffName")} name="name" value={name} onChange={(e) => setName(e.target.value)} error={error} />
        <Select
          label={t("billing.tariffKind")}
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as TariffKind)}
          options={(["FIXED", "PER_AREA", "METERED", "ONE_OFF"] as const).map((k) => ({ value: k, label: t(`tariff.kind.${k}`) }))}
        />
        <TextField label={t("billing.rate")} name="rate" inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} error={error} />
        <TextField label={t("billing.ppnPercent")} name="ppnRateBp" inputMode="decimal" value={ppn} onChange={(e) => setPpn(e.target.value)} error={error} />
        <Select
          label={t("billing.unitType")}
          name="unitType"
          value={unitType}
          onChange={(e) => setUnitType(e.target.value as UnitType | "")}
          options={[{ value: "", label: t("common.all") }, ...(["HOUSE", "APARTMENT", "SHOPHOUSE", "LAND"] as const).map((u) => ({ value: u, label: t(`unit.type.${u}`) }))]}
        />
        <div className="md:col-span-3">
          <Button type="submit" disabled={result.fetching}>{t("billing.createTariff")}</Button>
          {done && <p role="status" className="mt-2 text-sm text-green-800">{t("billing.tariffCreated")}</p>}
          <ErrorNote error={error} fields={["name", "rate", "ppnRateBp"]} />
        </div>
      </form>
    </Card>
  );
}

function TariffList() {
  const { t } = useTranslation();
  const [{ data, error }] = useQuery({ query: TariffsQuery });
  if (error) return <ErrorNote error={appErrorOf(error)} />;
  if (!data) return null;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="tariffs">
        <thead className="text-slate-700">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">{t("billing.tariffName")}</th>
            <th scope="col" className="py-2 pr-3 font-medium">{t("billing.tariffKind")}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{t("billing.rate")}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{t("billing.ppnPercent")}</th>
            <th scope="col" className="py-2 font-medium">{t("billing.unitType")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data.tariffs.map((tariff) => (
            <tr key={tariff.id} className={tariff.active ? "" : "text-slate-600"}>
              <td className="py-2 pr-3">
                {tariff.name}
                {!tariff.active && ` (${t("billing.inactive")})`}
              </td>
              <td className="py-2 pr-3">{t(`tariff.kind.${tariff.kind}`)}</td>
              <td className="py-2 pr-3 text-right"><Money amount={tariff.rate} /></td>
              <td className="py-2 pr-3 text-right tabular-nums">{tariff.ppnRateBp / 100}</td>
              <td className="py-2">{tariff.unitType ? t(`unit.type.${tariff.unitType}`) : t("common.all")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
