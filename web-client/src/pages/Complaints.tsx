import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { ComplaintPriority, ComplaintStatus } from "../gql/graphql";
import { appErrorOf, type AppError } from "../lib/errors";
import { useFormat } from "../lib/useFormat";
import { useSession } from "../auth/useSession";
import { Button, Card, Empty, ErrorNote, Loading, Page, Select, StatusBadge, TextArea, TextField } from "../ui/kit";

const ComplaintsQuery = graphql(`
  query Complaints($filter: ComplaintFilterInput, $first: Int!) {
    complaints(filter: $filter, first: $first) {
      nodes {
        id
        title
        category
        priority
        status
        slaBreached
        dueAt
        createdAt
        assignee {
          id
          displayName
        }
        unit {
          id
          number
        }
      }
    }
  }
`);

const CountersQuery = graphql(`
  query ComplaintCountersNow {
    complaintCounters {
      open
      inProgress
      overdue
      resolvedToday
    }
  }
`);

export const CountersLive = graphql(`
  subscription ComplaintCountersLive {
    complaintCounters {
      open
      inProgress
      overdue
      resolvedToday
    }
  }
`);

const ComplaintQuery = graphql(`
  query Complaint($id: ID!) {
    complaint(id: $id) {
      id
      title
      description
      category
      priority
      status
      nextStatuses
      slaBreached
      dueAt
      resolvedAt
      closedAt
      createdAt
      updatedAt
      resident {
        id
        fullName
      }
      unit {
        id
        number
      }
      assignee {
        id
        displayName
      }
      comments {
        id
        body
        internal
        createdAt
        author {
          id
          displayName
          role
        }
      }
    }
  }
`);

const ComplaintLive = graphql(`
  subscription ComplaintLive($id: ID!) {
    complaintUpdated(id: $id) {
      id
      status
      priority
      assigneeName
      updatedAt
      slaBreached
    }
  }
`);

const FileMutation = graphql(`
  mutation FileComplaint($input: FileComplaintInput!) {
    fileComplaint(input: $input) {
      id
    }
  }
`);

const StatusMutation = graphql(`
  mutation MoveComplaint($id: ID!, $status: ComplaintStatus!) {
    updateComplaintStatus(id: $id, status: $status) {
      id
      status
      nextStatuses
      resolvedAt
      closedAt
      updatedAt
    }
  }
`);

const CommentMutation = graphql(`
  mutation CommentComplaint($id: ID!, $body: String!, $internal: Boolean!) {
    addComplaintComment(id: $id, body: $body, internal: $internal) {
      id
    }
  }
`);

const AssignMutation = graphql(`
  mutation AssignComplaint($id: ID!, $userId: ID) {
    assignComplaint(id: $id, userId: $userId) {
      id
      assignee {
        id
        displayName
      }
    }
  }
`);

const StaffQuery = graphql(`
  query Staff {
    staff {
      id
      displayName
      role
    }
  }
`);

const HouseholdUnits = graphql(`
  query HouseholdUnits {
    units(first: 20) {
      nodes {
        id
        number
        block {
          id
          name
        }
      }
    }
  }
`);

const BOARD: ComplaintStatus[] = ["OPEN", "REOPENED", "IN_PROGRESS", "RESOLVED"];

/** Residents: their complaints. Staff: the board by status, counters live. Security: assigned to them. */
export function Complaints() {
  const { t } = useTranslation();
  const session = useSession();
  const staff = session?.role === "MANAGER" || session?.role === "SECURITY";
  const [search, setSearch] = useState("");
  const filter = {
    ...(session?.role === "SECURITY" ? { assignedToMe: true } : {}),
    ...(search.trim() ? { search: search.trim() } : {}),
  };
  const [{ data, fetching, error }] = useQuery({ query: ComplaintsQuery, variables: { filter, first: 100 } });
  const complaints = data?.complaints.nodes ?? [];
  return (
    <Page
      title={session?.role === "SECURITY" ? t("complaints.assigned") : t("complaints.title")}
      actions={
        session?.role === "RESIDENT" ? (
          <Link to="/complaints/new" className="inline-flex min-h-11 items-center rounded-lg bg-teal-700 px-4 text-sm font-medium text-white">
            {t("complaints.file")}
          </Link>
        ) : undefined
      }
    >
      {session?.role === "MANAGER" && <LiveCounters />}
      {staff && (
        <Card>
          <TextField label={t("complaints.search")} name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Card>
      )}
      <ErrorNote error={appErrorOf(error)} />
      {fetching && !data ? (
        <Loading />
      ) : complaints.length === 0 ? (
        <Empty>{t("complaints.none")}</Empty>
      ) : staff ? (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
          {BOARD.map((status) => (
            <Card key={status} title={t(`complaint.status.${status}`)}>
              <ul className="space-y-2">
                {complaints
                  .filter((c) => c.status === status)
                  .map((c) => (
                    <li key={c.id}>
                      <Link
                        to={`/complaints/${encodeURIComponent(c.id)}`}
                        className={`block rounded-lg border p-2 text-sm ${c.slaBreached ? "border-red-400 bg-red-50" : "border-slate-200"}`}
                      >
                        <span className="block font-medium">{c.title}</span>
                        <span className="block text-xs text-slate-700">
                          {t(`complaint.priority.${c.priority}`)} · {c.category}
                          {c.assignee && ` · ${c.assignee.displayName}`}
                        </span>
                        {c.slaBreached && <span className="text-xs font-semibold text-red-800">{t("complaints.breached")}</span>}
                      </Link>
                    </li>
                  ))}
              </ul>
            </Card>
          ))}
        </div>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {complaints.map((c) => (
              <li key={c.id}>
                <Link to={`/complaints/${encodeURIComponent(c.id)}`} className="flex items-center justify-between gap-2 py-3">
                  <span className="font-medium">{c.title}</span>
                  <StatusBadge group="complaint" status={c.status} />
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </Page>
  );
}

export function LiveCounters() {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: CountersQuery });
  const [live] = useSubscription({ query: CountersLive });
  const c = live.data?.complaintCounters ?? data?.complaintCounters;
  const items = [
    { key: "open", value: c?.open },
    { key: "inProgress", value: c?.inProgress },
    { key: "overdue", value: c?.overdue },
    { key: "resolvedToday", value: c?.resolvedToday },
  ];
  // The cards stand from the first paint (a dash until the numbers come), so nothing
  // below them moves when they do.
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4" aria-live="polite" aria-busy={!c}>
      {items.map((i) => (
        <Card key={i.key}>
          <p className="text-sm text-slate-700">{t(`counters.${i.key}`)}</p>
          {i.value === undefined ? (
            <p className="text-2xl font-bold text-slate-400">–</p>
          ) : (
            <p className="text-2xl font-bold tabular-nums" data-testid={`counter-${i.key}`}>
              {i.value}
            </p>
          )}
        </Card>
      ))}
    </div>
  );
}

const CATEGORIES = ["listrik", "air", "kebersihan", "keamanan", "jalan", "lainnya"];

export function FileComplaint() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [{ data: units }] = useQuery({ query: HouseholdUnits });
  const [category, setCategory] = useState(CATEGORIES[0] ?? "lainnya");
  const [priority, setPriority] = useState<ComplaintPriority>("MEDIUM");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [unitId, setUnitId] = useState("");
  const [result, file] = useMutation(FileMutation);
  const [error, setError] = useState<AppError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const chosen = unitId || units?.units.nodes[0]?.id;
    const r = await file({
      input: { category, priority, title, description, ...(chosen ? { unitId: chosen } : {}) },
    });
    setError(appErrorOf(r.error));
    if (r.data) navigate(`/complaints/${encodeURIComponent(r.data.fileComplaint.id)}`);
  }

  return (
    <Page title={t("complaints.file")}>
      <Card>
        <form onSubmit={submit} className="space-y-3" noValidate>
          <TextField label={t("complaints.titleLabel")} name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={error} required />
          <Select
            label={t("complaints.category")}
            name="category"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`complaints.categories.${c}`) }))}
            error={error}
          />
          <Select
            label={t("complaints.priority")}
            name="priority"
            value={priority}
            onChange={(e) => setPriority(e.target.value as ComplaintPriority)}
            options={(["LOW", "MEDIUM", "HIGH", "URGENT"] as const).map((p) => ({ value: p, label: t(`complaint.priority.${p}`) }))}
          />
          {(units?.units.nodes.length ?? 0) > 1 && (
            <Select
              label={t("complaints.unit")}
              name="unitId"
              value={unitId}
              onChange={(e) => setUnitId(e.target.value)}
              options={(units?.units.nodes ?? []).map((u) => ({ value: u.id, label: `${u.block.name} ${u.number}` }))}
              error={error}
            />
          )}
          <TextArea label={t("complaints.description")} name="description" value={description} onChange={(e) => setDescription(e.target.value)} error={error} />
          <ErrorNote error={error} fields={["title", "category", "description", "unitId"]} />
          <Button type="submit" disabled={result.fetching}>{t("complaints.submit")}</Button>
        </form>
      </Card>
    </Page>
  );
}

export function ComplaintDetail() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const staff = session?.role === "MANAGER" || session?.role === "SECURITY";
  const [{ data, fetching, error }] = useQuery({ query: ComplaintQuery, variables: { id } });
  const [live] = useSubscription({ query: ComplaintLive, variables: { id } });
  const [move, moveTo] = useMutation(StatusMutation);
  const [comment, addComment] = useMutation(CommentMutation);
  const [, assign] = useMutation(AssignMutation);
  const [body, setBody] = useState("");
  const [internal, setInternal] = useState(false);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const c = data?.complaint;
  if (fetching && !c) return <Loading />;
  if (!c) return <Page title={t("complaints.title")}><ErrorNote error={appErrorOf(error)} /></Page>;
  const assigneeName = live.data?.complaintUpdated.assigneeName ?? c.assignee?.displayName;

  const timeline = [
    { at: c.createdAt, text: t("complaints.filedBy", { name: c.resident.fullName }), key: "filed", internal: false },
    ...c.comments.map((m) => ({ at: m.createdAt, text: `${m.author.displayName}: ${m.body}`, key: m.id, internal: m.internal })),
    ...(c.resolvedAt ? [{ at: c.resolvedAt, text: t("complaints.resolvedEvent"), key: "resolved", internal: false }] : []),
    ...(c.closedAt ? [{ at: c.closedAt, text: t("complaints.closedEvent"), key: "closed", internal: false }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));

  async function submitComment(e: FormEvent) {
    e.preventDefault();
    const r = await addComment({ id, body, internal: staff && internal });
    setActionError(appErrorOf(r.error));
    if (!r.error) setBody("");
  }

  return (
    <Page title={c.title}>
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-slate-700">
            {c.category} · {t(`complaint.priority.${c.priority}`)}
            {c.unit && ` · ${t("bills.unit", { unit: c.unit.number })}`}
          </p>
          <StatusBadge group="complaint" status={c.status} testId="complaint-status" />
        </div>
        <p className="mt-2 whitespace-pre-line text-sm">{c.description}</p>
        <p className="mt-2 text-xs text-slate-700">
          {t("complaints.dueAt", { date: f.dateTime(c.dueAt) })}
          {c.slaBreached && <strong className="ml-1 text-red-800">{t("complaints.breached")}</strong>}
        </p>
        <p className="text-xs text-slate-700">
          {assigneeName ? t("complaints.assignee", { name: assigneeName }) : t("complaints.unassigned")}
        </p>
        {c.nextStatuses.length > 0 && (
          <div className="mt-3 flex flex-wrap gap-2">
            {c.nextStatuses.map((s) => (
              <Button
                key={s}
                variant="secondary"
                disabled={move.fetching}
                onClick={async () => {
                  const r = await moveTo({ id, status: s });
                  setActionError(appErrorOf(r.error));
                }}
              >
                {t(`complaint.move.${s}`)}
              </Button>
            ))}
          </div>
        )}
        {session?.role === "MANAGER" && c.status !== "CLOSED" && (
          <div className="mt-3 max-w-xs">
            <AssignPicker
              assigneeId={c.assignee?.id ?? ""}
              onAssign={async (userId) => {
                const r = await assign({ id, userId });
                setActionError(appErrorOf(r.error));
              }}
            />
          </div>
        )}
        <ErrorNote error={actionError} fields={["body"]} />
      </Card>
      <Card title={t("complaints.timeline")}>
        <ol className="space-y-3 border-l-2 border-slate-200 pl-4">
          {timeline.map((e) => (
            <li key={e.key} className={e.internal ? "rounded bg-amber-50 p-2" : ""}>
              <p className="text-xs text-slate-700">
                {f.dateTime(e.at)}
                {e.internal && ` · ${t("complaints.internal")}`}
              </p>
              <p className="text-sm">{e.text}</p>
            </li>
          ))}
        </ol>
        <form onSubmit={submitComment} className="mt-4 space-y-2" noValidate>
          <TextArea label={t("complaints.comment")} name="body" value={body} onChange={(e) => setBody(e.target.value)} error={actionError} />
          {staff && (
            <label className="flex min-h-11 items-center gap-2 text-sm">
              <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} className="h-5 w-5" />
              {t("complaints.internalNote")}
            </label>
          )}
          <Button type="submit" disabled={comment.fetching || !body.trim()}>{t("complaints.send")}</Button>
        </form>
      </Card>
    </Page>
  );
}

/** Managers: who handles the complaint (active managers and security staff). */
function AssignPicker({ assigneeId, onAssign }: { assigneeId: string; onAssign: (userId: string | null) => Promise<void> }) {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: StaffQuery });
  if (!data) return null;
  return (
    <Select
      label={t("complaints.assignTo")}
      name="assignee"
      value={assigneeId}
      onChange={(e) => void onAssign(e.target.value || null)}
      options={[
        { value: "", label: t("complaints.unassigned") },
        ...data.staff.map((u) => ({ value: u.id, label: `${u.displayName} (${t(`role.${u.role}`)})` })),
      ]}
    />
  );
}
