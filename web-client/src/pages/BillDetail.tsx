import { useEffect, useRef, useState, type FormEvent } from "react";
import { useParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { ManualMethod } from "../gql/graphql";
import { appErrorOf, type AppError } from "../lib/errors";
import { formatBasisPoints } from "../lib/format";
import { useFormat } from "../lib/useFormat";
import { useSession } from "../auth/useSession";
import { Button, Card, ErrorNote, Loading, Money, Page, Select, StatusBadge, TextField } from "../ui/kit";

const BillQuery = graphql(`
  query BillDetail($id: ID!) {
    bill(id: $id) {
      id
      period
      dueOn
      status
      subtotal
      ppn
      lateFee
      total
      paid
      outstanding
      voidReason
      unit {
        id
        number
        block {
          id
          name
        }
      }
      items {
        id
        kind
        description
        quantity
        unitPrice
        amount
        ppnRateBp
        ppn
      }
      payments {
        id
        method
        amount
        reference
        paidAt
        refunded
      }
    }
  }
`);

const BillLive = graphql(`
  subscription BillLive($id: ID!) {
    billUpdated(id: $id) {
      id
      status
      total
      paid
      outstanding
    }
  }
`);

const PayMutation = graphql(`
  mutation Pay($billId: ID!) {
    createPayment(billId: $billId) {
      orderId
      redirectUrl
    }
  }
`);

const CashMutation = graphql(`
  mutation RecordPayment($input: RecordPaymentInput!) {
    recordPayment(input: $input) {
      id
      amount
    }
  }
`);

export function BillDetail() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({ query: BillQuery, variables: { id } });
  // The bill's live state: graphcache writes it onto the Bill, so this page updates.
  useSubscription({ query: BillLive, variables: { id } });
  const [pay, startPayment] = useMutation(PayMutation);
  const [payError, setPayError] = useState<AppError | null>(null);
  const [waiting, setWaiting] = useState(false);
  const bill = data?.bill;

  // A status change (a payment came in) brings its payment row: read the bill again.
  const status = bill?.status;
  const seen = useRef(status);
  useEffect(() => {
    if (status && seen.current && status !== seen.current) {
      refetch({ requestPolicy: "network-only" });
    }
    seen.current = status;
  }, [status, refetch]);

  if (fetching && !bill) return <Loading />;
  if (!bill) return <Page title={t("bills.detail")}><ErrorNote error={appErrorOf(error)} /></Page>;

  async function payNow() {
    setPayError(null);
    // The Snap page opens beside this one (as Snap's pop-up does); this page hears the
    // settlement live. The window is opened before the request so no blocker stops it.
    const popup = window.open("", "_blank");
    const result = await startPayment({ billId: id });
    if (result.error || !result.data) {
      popup?.close();
      setPayError(appErrorOf(result.error));
      return;
    }
    setWaiting(true);
    if (popup) popup.location.href = result.data.createPayment.redirectUrl;
    else window.location.assign(result.data.createPayment.redirectUrl);
  }

  const payable = bill.outstanding > 0 && bill.status !== "VOID";
  return (
    <Page title={t("bills.detailTitle", { period: f.period(bill.period) })}>
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <p className="text-sm text-slate-700">
              {bill.unit.block.name} · {t("bills.unit", { unit: bill.unit.number })}
            </p>
            <p className="text-sm text-slate-700">{t("bills.dueOn", { date: f.date(bill.dueOn) })}</p>
          </div>
          <StatusBadge group="bill" status={bill.status} testId="bill-status" />
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-y-1 text-sm">
          <dt>{t("bills.subtotal")}</dt>
          <dd className="text-right"><Money amount={bill.subtotal} /></dd>
          <dt>{t("bills.ppn")}</dt>
          <dd className="text-right"><Money amount={bill.ppn} /></dd>
          {bill.lateFee > 0 && (
            <>
              <dt>{t("bills.lateFee")}</dt>
              <dd className="text-right"><Money amount={bill.lateFee} /></dd>
            </>
          )}
          <dt className="font-semibold">{t("bills.total")}</dt>
          <dd className="text-right font-semibold"><Money amount={bill.total} /></dd>
          <dt>{t("bills.paid")}</dt>
          <dd className="text-right"><Money amount={bill.paid} /></dd>
          <dt className="font-semibold">{t("bills.outstanding")}</dt>
          <dd className="text-right font-semibold" data-testid="bill-outstanding"><Money amount={bill.outstanding} /></dd>
        </dl>
        {bill.voidReason && <p className="mt-2 text-sm text-slate-700">{t("bills.voided", { reason: bill.voidReason })}</p>}
        {payable && session?.role === "RESIDENT" && (
          <div className="mt-4 space-y-2">
            <Button className="w-full sm:w-auto" onClick={() => void payNow()} disabled={pay.fetching}>
              {t("bills.pay")}
              <Money amount={bill.outstanding} className="ml-1" />
            </Button>
            {waiting && bill.outstanding > 0 && <p role="status" className="text-sm text-slate-700">{t("bills.waiting")}</p>}
            <ErrorNote error={payError} />
          </div>
        )}
      </Card>
      <Card title={t("bills.items")}>
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-slate-700">
                <th scope="col" className="py-1 pr-2">{t("bills.item")}</th>
                <th scope="col" className="py-1 pr-2 text-right">{t("bills.amount")}</th>
                <th scope="col" className="py-1 text-right">{t("bills.ppn")}</th>
              </tr>
            </thead>
            <tbody>
              {bill.items.map((item) => (
                <tr key={item.id} className="border-t border-slate-100">
                  <td className="py-2 pr-2">
                    <span className="block">{item.description}</span>
                    <span className="block text-xs text-slate-600">
                      {item.quantity} × <Money amount={item.unitPrice} />
                    </span>
                  </td>
                  <td className="py-2 pr-2 text-right"><Money amount={item.amount} /></td>
                  <td className="py-2 text-right">
                    <Money amount={item.ppn} />
                    {item.ppnRateBp > 0 && (
                      <span className="block text-xs text-slate-600">{formatBasisPoints(item.ppnRateBp, i18n.language)}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title={t("bills.payments")}>
        {bill.payments.length === 0 ? (
          <p className="text-sm text-slate-700">{t("bills.noPayments")}</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {bill.payments.map((p) => (
              <li key={p.id} className="flex justify-between gap-2 py-2">
                <span>
                  {t(`payment.method.${p.method}`, { defaultValue: p.method })} · {f.dateTime(p.paidAt)}
                  {p.refunded && ` · ${t("bills.refunded")}`}
                </span>
                <Money amount={p.amount} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {session?.role === "MANAGER" && payable && <CashPayment billId={bill.id} outstanding={bill.outstanding} />}
    </Page>
  );
}

function CashPayment({ billId, outstanding }: { billId: string; outstanding: number }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState(String(outstanding));
  const [method, setMethod] = useState<ManualMethod>("CASH");
  const [reference, setReference] = useState("");
  const [result, record] = useMutation(CashMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await record({
      input: { billId, amount: Number(amount), method, ...(reference ? { reference } : {}) },
    });
    setError(appErrorOf(r.error));
    if (!r.error) setDone(true);
  }

  return (
    <Card title={t("bills.recordPayment")}>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" noValidate>
        <TextField label={t("bills.amount")} name="amount" inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} error={error} />
        <Select
          label={t("bills.method")}
          name="method"
          value={method}
          onChange={(e) => setMethod(e.target.value as ManualMethod)}
          options={[
            { value: "CASH", label: t("payment.method.CASH") },
            { value: "TRANSFER", label: t("payment.method.TRANSFER") },
          ]}
          error={error}
        />
        <TextField label={t("bills.reference")} name="reference" value={reference} onChange={(e) => setReference(e.target.value)} error={error} />
        <div className="sm:col-span-3">
          <Button type="submit" disabled={result.fetching}>{t("bills.record")}</Button>
          {done && <p role="status" className="mt-2 text-sm text-green-800">{t("bills.recorded")}</p>}
          <ErrorNote error={error} fields={["amount", "method", "reference"]} />
        </div>
      </form>
    </Card>
  );
}
