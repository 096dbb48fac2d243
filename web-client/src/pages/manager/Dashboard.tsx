import { lazy, Suspense } from "react";
import { useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../../gql";
import { appErrorOf } from "../../lib/errors";
import { formatRupiah, periodOf, periodsUpTo } from "../../lib/format";
import { useFormat } from "../../lib/useFormat";
import { Card, ErrorNote, Money, Page } from "../../ui/kit";
import { LiveCounters } from "../Complaints";
import { Ring, WhenIdleAndVisible } from "./charts";

// Chart.js is the heaviest thing a manager loads: it comes in its own chunk, after the
// numbers are on screen (the ring beside it is plain SVG).
const CollectionChart = lazy(() => import("./CollectionChart"));

const AGING_COLORS = ["#0f766e", "#facc15", "#f97316", "#dc2626", "#7f1d1d"];

const ReportFields = graphql(`
  query CollectionReports($p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!, $p6: String!) {
    r1: collectionReport(period: $p1) {
      period
      billed
      collected
      collectionRate
    }
    r2: collectionReport(period: $p2) {
      period
      billed
      collected
      collectionRate
    }
    r3: collectionReport(period: $p3) {
      period
      billed
      collected
      collectionRate
    }
    r4: collectionReport(period: $p4) {
      period
      billed
      collected
      collectionRate
    }
    r5: collectionReport(period: $p5) {
      period
      billed
      collected
      collectionRate
    }
    r6: collectionReport(period: $p6) {
      period
      billed
      collected
      collectionRate
      bills
      arrears {
        current
        days1To30
        days31To60
        days61To90
        over90Days
      }
    }
  }
`);

const CollectionLive = graphql(`
  subscription CollectionLive($period: String!) {
    collectionCounters(period: $period) {
      period
      bills
      billed
      collected
      collectionRate
    }
  }
`);

export function Dashboard() {
  const { t } = useTranslation();
  const f = useFormat();
  const current = periodOf(new Date(), f.timeZone);
  const periods = periodsUpTo(current, 6);
  const [{ data, fetching, error }] = useQuery({
    query: ReportFields,
    variables: { p1: periods[0]!, p2: periods[1]!, p3: periods[2]!, p4: periods[3]!, p5: periods[4]!, p6: periods[5]! },
  });
  const [live] = useSubscription({ query: CollectionLive, variables: { period: current } });
  const reports = data ? [data.r1, data.r2, data.r3, data.r4, data.r5, data.r6] : [];
  const now = live.data?.collectionCounters ?? data?.r6;
  const aging = data?.r6.arrears;
  const agingRows = (["current", "days1To30", "days31To60", "days61To90", "over90Days"] as const).map((key) => ({
    key,
    value: aging?.[key],
  }));
  const dash = <span className="text-slate-400">–</span>;

  return (
    <Page title={t("dashboard.title")}>
      <ErrorNote error={appErrorOf(error)} />
      <LiveCounters />
      {/* Every card stands from the first paint (a dash until its figure comes), so
          nothing moves when the figures do. */}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3" aria-live="polite" aria-busy={!now}>
        <Card>
          <p className="text-sm text-slate-700">{t("dashboard.billedThisMonth")}</p>
          {now ? <Money amount={now.billed} className="text-xl font-bold" /> : <p className="text-xl font-bold">{dash}</p>}
        </Card>
        <Card>
          <p className="text-sm text-slate-700">{t("dashboard.collectedThisMonth")}</p>
          {now ? <Money amount={now.collected} className="text-xl font-bold" /> : <p className="text-xl font-bold">{dash}</p>}
        </Card>
        <Card className="col-span-2 md:col-span-1">
          <p className="text-sm text-slate-700">{t("dashboard.rate")}</p>
          {now ? (
            <p className="text-xl font-bold tabular-nums" data-testid="collection-rate">{now.collectionRate}%</p>
          ) : (
            <p className="text-xl font-bold">{dash}</p>
          )}
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-2" aria-busy={fetching && !data}>
        <Card title={t("dashboard.collection")} className="flex flex-col">
          {/* The chart fills the card, as tall as its neighbour (the canvas sits in an
              absolutely placed box, so it never decides the card's height). */}
          <div className="relative min-h-64 flex-1">
            {data && (
              <WhenIdleAndVisible className="absolute inset-0">
                <Suspense fallback={null}>
                  <CollectionChart
                    label={t("dashboard.collectionChart")}
                    labels={reports.map((r) => f.period(r.period))}
                    series={[
                      { label: t("dashboard.billed"), data: reports.map((r) => r.billed), color: "#94a3b8" },
                      { label: t("dashboard.collected"), data: reports.map((r) => r.collected), color: "#0f766e" },
                    ]}
                  />
                </Suspense>
              </WhenIdleAndVisible>
            )}
          </div>
          {/* For screen readers: the chart's figures. Clipped by a block box (a table
              never shrinks to `sr-only`'s 1 px, and would widen a phone's page). */}
          <div className="sr-only">
            <table>
              <caption>{t("dashboard.collection")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("dashboard.period")}</th>
                  <th scope="col">{t("dashboard.billed")}</th>
                  <th scope="col">{t("dashboard.collected")}</th>
                  <th scope="col">{t("dashboard.rate")}</th>
                </tr>
              </thead>
              <tbody>
                {reports.map((r) => (
                  <tr key={r.period}>
                    <td>{f.period(r.period)}</td>
                    <td>{formatRupiah(r.billed)}</td>
                    <td>{formatRupiah(r.collected)}</td>
                    <td>{r.collectionRate}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title={t("dashboard.aging")}>
          <Ring
            label={t("dashboard.agingChart")}
            rows={agingRows.map((r, i) => ({
              key: r.key,
              value: r.value ?? 0,
              color: AGING_COLORS[i]!,
              title: `${t(`dashboard.agingBuckets.${r.key}`)}: ${formatRupiah(r.value ?? 0)}`,
            }))}
          />
          <dl className="mt-4 grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
            {agingRows.map((r, i) => (
              <div key={r.key} className="contents">
                <dt className="flex items-center gap-2">
                  <span aria-hidden="true" className="inline-block size-3 shrink-0 rounded-sm" style={{ backgroundColor: AGING_COLORS[i] }} />
                  {t(`dashboard.agingBuckets.${r.key}`)}
                </dt>
                <dd className="text-right">{r.value === undefined ? dash : <Money amount={r.value} />}</dd>
              </div>
            ))}
          </dl>
        </Card>
      </div>
    </Page>
  );
}
