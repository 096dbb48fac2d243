import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { BillStatus } from "../gql/graphql";
import { appErrorOf } from "../lib/errors";
import { useFormat } from "../lib/useFormat";
import { useSession } from "../auth/useSession";
import { Card, Empty, ErrorNote, Loading, Money, Page, Select, StatusBadge, TextField } from "../ui/kit";

const BillsQuery = graphql(`
  query Bills($filter: BillFilter, $first: Int!, $after: String) {
    bills(filter: $filter, first: $first, after: $after) {
      nodes {
        id
        period
        dueOn
        status
        total
        outstanding
        unit {
          id
          number
          block {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const STATUSES: BillStatus[] = ["UNPAID", "PARTIALLY_PAID", "PAID", "OVERDUE", "VOID"];

export function Bills() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const staff = session?.role === "MANAGER";
  const [status, setStatus] = useState<BillStatus | "">("");
  const [period, setPeriod] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const filter = {
    ...(status ? { status } : {}),
    ...(/^\d{4}-\d{2}$/.test(period) ? { period } : {}),
  };
  const [{ data, fetching, error }] = useQuery({
    query: BillsQuery,
    variables: { filter, first: staff ? 50 : 24, after },
  });
  const bills = data?.bills.nodes ?? [];
  return (
    <Page title={t("bills.title")}>
      <Card>
        <div className="grid gap-3 sm:grid-cols-2">
          <Select
            label={t("bills.filterStatus")}
            name="status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as BillStatus | "");
              setAfter(null);
            }}
            options={[{ value: "", label: t("common.all") }, ...STATUSES.map((s) => ({ value: s, label: t(`bill.status.${s}`) }))]}
          />
          <TextField
            label={t("bills.filterPeriod")}
            name="period"
            type="month"
            value={period}
            onChange={(e) => {
              setPeriod(e.target.value);
              setAfter(null);
            }}
          />
        </div>
      </Card>
      <ErrorNote error={appErrorOf(error)} />
      {fetching && !data ? (
        <Loading />
      ) : bills.length === 0 ? (
        <Empty>{t("bills.none")}</Empty>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {bills.map((b) => (
              <li key={b.id}>
                <Link to={`/bills/${encodeURIComponent(b.id)}`} className="flex items-center justify-between gap-2 py-3">
                  <span>
                    <span className="block font-medium">{f.period(b.period)}</span>
                    <span className="block text-xs text-slate-600">
                      {b.unit.block.name} · {t("bills.unit", { unit: b.unit.number })} ·{" "}
                      {t("bills.dueOn", { date: f.date(b.dueOn) })}
                    </span>
                  </span>
                  <span className="shrink-0 text-right">
                    <Money amount={b.total} className="block font-semibold" />
                    <StatusBadge group="bill" status={b.status} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {data?.bills.pageInfo.hasNextPage && (
            <button
              type="button"
              className="mt-2 min-h-11 text-sm font-medium text-teal-800 underline"
              onClick={() => setAfter(data.bills.pageInfo.endCursor ?? null)}
            >
              {t("common.next")}
            </button>
          )}
        </Card>
      )}
    </Page>
  );
}
